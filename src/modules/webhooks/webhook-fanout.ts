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

/** The job that sends a webhook's due deliveries (one at a time per webhook in the whole cluster). */
export const DISPATCH_TASK = 'webhook-dispatch';

/** Payload of a dispatch job: whose deliveries. */
export interface DispatchJobPayload {
  webhookId: string;
}

/** Key of a webhook's "deliveries are due now" job: one is queued at most, however many batches kick it. */
export function dispatchJobKey(webhookId: string): string {
  return `webhook-dispatch:${webhookId}`;
}

/** Key of a webhook's "a retry is due then" job (at the earliest pending retry). */
export function retryJobKey(webhookId: string): string {
  return `webhook-retry:${webhookId}`;
}

/**
 * Queues a dispatch of each webhook (in `em`'s transaction, so it runs only once the deliveries it
 * is for are committed): one job per webhook, keyed — a dispatch already queued keeps its time
 * (`preserve_run_at`), unless `reschedule` (then it runs at `runAt`, or now: a dispatcher handing
 * over to its successor must not leave it waiting on a busy look's later time); one running gets a
 * successor. Side effect: jobs.
 */
export async function kickDispatchers(em: EntityManager, queue: JobQueue, webhookIds: Iterable<string>, runAt?: Date, reschedule = false): Promise<void> {
  const ids = [...new Set(webhookIds)];
  await queue.addMany(
    em,
    ids.map((webhookId) => ({
      task: DISPATCH_TASK,
      payload: { webhookId } satisfies DispatchJobPayload,
      opts: { runAt, jobKey: dispatchJobKey(webhookId), jobKeyMode: reschedule ? ('replace' as const) : ('preserve_run_at' as const), maxAttempts: 25 },
    })),
  );
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
 * Writes one PENDING delivery per (event, webhook) that matches, with its fat body, due `now`, and
 * queues a dispatch of each webhook concerned in the same transaction (`em`). The delivery rows are
 * the durable queue: their ids (UUIDv7, made here in event order) are the order each webhook's
 * dispatcher sends them in. Returns how many deliveries were queued. Side effects: writes deliveries and jobs.
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
  await kickDispatchers(
    em,
    queue,
    rows.map((r) => r.webhook_id),
    now,
  );
  return rows.length;
}
