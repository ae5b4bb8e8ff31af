import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import type { JobQueue } from '../../context';
import { isPlatformEvent, type StreamEvent } from '../../events/platform-events.queries';
import { sign } from '../../lib/crypto';
import { uuidv7 } from '../../lib/ids';
import { Message } from '../sending/message.entity';
import { webhookEventTypeOf, type WebhookEventType } from './webhook-event-type';
import { eventBody } from './webhook-payload';
import { Webhook } from './webhook.entity';
import { insertDeliveries } from './webhooks.queries';

/** The job that makes one delivery attempt. */
export const DELIVER_TASK = 'webhook-deliver';

/** Payload of a delivery job: which delivery, and which attempt it is (a stale or repeated job is a no-op). */
export interface DeliverJobPayload {
  deliveryId: string;
  attempt: number;
}

/** What matching needs of a webhook. */
export interface WebhookTarget {
  id: string;
  accountId: string;
  tenantId: string | null;
  domainId: string | null;
  url: string;
  events: readonly WebhookEventType[];
}

/** The matching view of a loaded webhook. */
export function targetOf(w: Webhook): WebhookTarget {
  return { id: w.id, accountId: w.account.id, tenantId: w.tenant?.id ?? null, domainId: w.domain?.id ?? null, url: w.url, events: w.events };
}

/**
 * Whether a webhook receives an event: same account, a type it asked for, and inside its scope — an
 * account webhook everything, a tenant webhook the events of its tenant (its domains and sender
 * identities carry its tenant id), a domain webhook the events of that domain only. Pure.
 */
export function webhookReceives(w: WebhookTarget, e: StreamEvent): boolean {
  if (w.accountId !== e.accountId || !w.events.includes(webhookEventTypeOf(e))) return false;
  if (!w.tenantId && !w.domainId) return true;
  if (w.domainId) return e.domainId === w.domainId;
  return e.tenantId === w.tenantId;
}

/** The `webhook-id` of an event's deliveries to a webhook: stable (replays and retries reuse it), opaque. */
export function eventMessageId(secret: Buffer, webhookId: string, eventId: string): string {
  return `msg_${sign(secret, 'webhook-id', `${webhookId}:${eventId}`).slice(0, 32)}`;
}

/** The enabled webhooks of these accounts (system read: consumers see every account and keep each event to its own). */
export async function enabledWebhooks(em: EntityManager, accountIds: readonly string[]): Promise<WebhookTarget[]> {
  if (accountIds.length === 0) return [];
  const rows = await em.find(Webhook, { account: { $in: [...accountIds] }, enabled: true }, { orderBy: { id: 'asc' } });
  return rows.map(targetOf);
}

/**
 * Writes one PENDING delivery per (event, webhook) that matches, with its fat body, and queues its
 * first attempt in the same transaction (`em`): one job per delivery, due in event order.
 * Returns how many deliveries were queued. Side effects: writes deliveries and jobs.
 */
export async function fanOut(em: EntityManager, config: Config, queue: JobQueue, events: readonly StreamEvent[], webhooks: readonly WebhookTarget[], now: Date): Promise<number> {
  const pairs = events.flatMap((e) => webhooks.filter((w) => webhookReceives(w, e)).map((w) => ({ e, w })));
  if (pairs.length === 0) return 0;
  const messageIds = [...new Set(pairs.filter((p) => !isPlatformEvent(p.e)).map((p) => (p.e as { messageId: string }).messageId))];
  const messages = new Map((messageIds.length ? await em.find(Message, { id: { $in: messageIds } }) : []).map((m) => [m.id, m]));
  const bodies = new Map<string, string>();
  const rows = pairs.map(({ e, w }) => {
    const key = e.id;
    let body = bodies.get(key);
    if (body === undefined) {
      body = eventBody(config.secret, e, isPlatformEvent(e) ? null : (messages.get(e.messageId) ?? null));
      bodies.set(key, body);
    }
    return {
      id: uuidv7(),
      account_id: w.accountId,
      webhook_id: w.id,
      tenant_id: w.tenantId,
      domain_id: w.domainId,
      event_id: e.id,
      event_type: webhookEventTypeOf(e),
      message_id: eventMessageId(config.secret, w.id, e.id),
      url: w.url,
      body,
    };
  });
  await insertDeliveries(em, rows, now);
  await queue.addMany(
    em,
    rows.map((r) => ({ task: DELIVER_TASK, payload: { deliveryId: r.id, attempt: 1 } satisfies DeliverJobPayload, opts: { runAt: now, maxAttempts: 3 } })),
  );
  return rows.length;
}
