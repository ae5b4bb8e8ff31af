import { LockMode } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { systemEm } from '../../context';
import { ActivityEvent } from '../activity/activity-event.entity';
import { ActivityEventType } from '../../events/event-type';
import { Message } from '../sending/message.entity';
import { Suppression } from '../suppressions/suppression.entity';
import { SuppressionList } from '../suppressions/suppression.enums';
import { domainTrackingHost } from './tracking-hosts';
import { recordMessageEvents } from '../sending/message-life';

/** An engagement a tracking URL records. */
export type Engagement = 'open' | 'click' | 'unsubscribe';

/** The event every hit records, and the one recorded only the first time for the message (null: none). */
const TYPES: Record<Engagement, { every: ActivityEventType | null; first: ActivityEventType }> = {
  open: { every: ActivityEventType.OPENED, first: ActivityEventType.OPENED_UNIQUE },
  click: { every: ActivityEventType.CLICKED, first: ActivityEventType.CLICKED_UNIQUE },
  unsubscribe: { every: null, first: ActivityEventType.UNSUBSCRIBED },
};

/** What recording an engagement did. */
export interface EngagementResult {
  /** The message's sender and recipient; null when it no longer exists (deleted with its tenant or domain). */
  message: Pick<Message, 'fromEmail' | 'fromName' | 'recipient'> | null;
  /** Whether this was the message's first engagement of the kind. */
  first: boolean;
}

/**
 * Records an open, click or unsubscribe of a message (found by the id a signed token carried):
 * OPENED/CLICKED every time, OPENED_UNIQUE/CLICKED_UNIQUE/UNSUBSCRIBED only the first time. The
 * message row is locked (`for update`) before the one query for an earlier first-time event, so
 * concurrent hits record the first-time event once. Side effects: writes events (one insert, one NOTIFY).
 */
export async function recordEngagement(orm: MikroORM, messageId: string, kind: Engagement, data: Record<string, unknown>, at: Date): Promise<EngagementResult> {
  const { every, first } = TYPES[kind];
  return systemEm(orm).transactional(async (em) => {
    const message = await em.findOne(Message, { id: messageId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!message) return { message: null, first: false };
    const earlier = await em.findOne(ActivityEvent, { message: messageId, type: first }, { fields: ['id'] });
    const types = [...(every ? [every] : []), ...(earlier ? [] : [first])];
    if (types.length)
      await recordMessageEvents(
        em,
        types.map((type) => ({ message, type, occurredAt: at, data })),
      );
    return { message, first: !earlier };
  });
}

/** What a public tracking route needs of a message: sender and recipient (unsubscribe page) and its domain's tracking host. */
export interface TrackedMessage {
  fromEmail: string;
  fromName: string | null;
  recipient: string;
  accountId: string;
  domainId: string;
  senderIdentityId: string | null;
  /** `<trackingSubdomain>.<domain>`, the one branded host its links may be served on; null when the domain has none. */
  trackingHost: string | null;
}

/** Loads a message for a public tracking route (one query, with its domain's name), or null when it no longer exists. Read-only. */
export async function findTrackedMessage(orm: MikroORM, messageId: string): Promise<TrackedMessage | null> {
  const m = await systemEm(orm).findOne(Message, { id: messageId }, { fields: ['fromEmail', 'fromName', 'recipient', 'account', 'senderIdentity', 'domain.name', 'domain.trackingSubdomain'] });
  if (!m) return null;
  const domain = m.domain.getEntity();
  return {
    fromEmail: m.fromEmail,
    fromName: m.fromName,
    recipient: m.recipient,
    accountId: m.account.id,
    domainId: domain.id,
    senderIdentityId: m.senderIdentity?.id ?? null,
    trackingHost: domainTrackingHost(domain),
  };
}

/** Whether the message's recipient is already on the UNSUBSCRIBE list of the message's sender (its domain, or its sender identity there). Read-only. */
export async function alreadyUnsubscribed(orm: MikroORM, m: TrackedMessage): Promise<boolean> {
  const entry = await systemEm(orm).findOne(
    Suppression,
    { account: m.accountId, domain: m.domainId, recipient: m.recipient.toLowerCase(), list: SuppressionList.UNSUBSCRIBE, senderIdentity: m.senderIdentityId },
    { fields: ['id'] },
  );
  return entry !== null;
}
