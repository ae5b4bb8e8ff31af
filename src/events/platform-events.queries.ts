import type { EntityManager } from '@mikro-orm/postgresql';
import { publishOnCommit } from '../pubsub/bus';
import type { EventRow } from './event-row';
import { insertInCommitOrder } from './events.queries';
import type { PlatformEventType } from './platform-event-type';

/**
 * A platform event as stored in `platform_events`: not of a message (activity_events rows all are),
 * but numbered from the same sequence under the same event-order lock, so the two tables together are
 * one commit-ordered stream that the durable consumers read in id order.
 */
export interface PlatformEventRow {
  readonly stream: 'platform';
  id: string;
  occurredAt: Date;
  type: PlatformEventType;
  accountId: string;
  tenantId: string | null;
  domainId: string | null;
  senderIdentityId: string | null;
  /** The object it is about (domain, sender identity, bulk send…), by uuid. */
  subjectId: string;
  data: Record<string, unknown>;
}

/** A new platform event; `occurredAt` defaults to now. */
export type NewPlatformEvent = Omit<PlatformEventRow, 'stream' | 'id' | 'occurredAt'> & { occurredAt?: Date };

/** One event of the commit-ordered stream: a message's (activity) or the platform's. */
export type StreamEvent = EventRow | PlatformEventRow;

/** Bus topic a committed platform event is announced on (payload: its id), to wake the consumers. */
export const PLATFORM_EVENTS_TOPIC = 'platformEvents';

/** Whether a stream event is a platform event. */
export function isPlatformEvent(e: StreamEvent): e is PlatformEventRow {
  return 'stream' in e && e.stream === 'platform';
}

/** Maps a `platform_events` row (snake_case) to a PlatformEventRow. */
export function toPlatformEventRow(r: Record<string, unknown>): PlatformEventRow {
  return {
    stream: 'platform',
    id: String(r.id),
    occurredAt: r.occurred_at instanceof Date ? r.occurred_at : new Date(String(r.occurred_at)),
    type: r.type as PlatformEventType,
    accountId: String(r.account_id),
    tenantId: (r.tenant_id as string | null) ?? null,
    domainId: (r.domain_id as string | null) ?? null,
    senderIdentityId: (r.sender_identity_id as string | null) ?? null,
    subjectId: String(r.subject_id),
    data: (r.data as Record<string, unknown>) ?? {},
  };
}

/**
 * Records platform events in `em`'s transaction (or one of its own): takes the event-order lock first
 * (the one global serialisation, shared with activity events — not a second one), so their ids, from
 * activity_events' sequence, follow commit order too; call it as the last statement of the writing
 * transaction. Announces the last id on the bus when the transaction commits (wakes the consumers).
 * Side effects: writes; a NOTIFY on commit.
 */
export async function insertPlatformEvents(em: EntityManager, events: readonly NewPlatformEvent[]): Promise<PlatformEventRow[]> {
  if (events.length === 0) return [];
  if (!em.isInTransaction()) return em.transactional((tx) => insertPlatformEvents(tx, events));
  const now = new Date();
  const rows = await insertInCommitOrder(
    em,
    `insert into platform_events (occurred_at, type, account_id, tenant_id, domain_id, sender_identity_id, subject_id, data)
     select occurred_at, type, account_id, tenant_id, domain_id, sender_identity_id, subject_id, coalesce(data, '{}')
     from jsonb_to_recordset(?::jsonb) as x(occurred_at timestamptz, type text, account_id uuid, tenant_id uuid, domain_id uuid, sender_identity_id uuid, subject_id uuid, data jsonb)
     returning id, occurred_at, type, account_id, tenant_id, domain_id, sender_identity_id, subject_id, data`,
    events.map((e) => ({
      occurred_at: (e.occurredAt ?? now).toISOString(),
      type: e.type,
      account_id: e.accountId,
      tenant_id: e.tenantId,
      domain_id: e.domainId,
      sender_identity_id: e.senderIdentityId,
      subject_id: e.subjectId,
      data: e.data,
    })),
  );
  const out = rows.map(toPlatformEventRow);
  await publishOnCommit(em, PLATFORM_EVENTS_TOPIC, { id: out.at(-1)!.id });
  return out;
}
