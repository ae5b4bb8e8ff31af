import type { EntityManager } from '@mikro-orm/postgresql';
import { BUS_CHANNEL } from '../../pubsub/bus';
import type { Attempt, DeliveryUpdatedEvent } from './webhook-attempt';
import { WEBHOOK_DELIVERY_TOPIC } from './webhook-attempt';
import type { WebhookDeliveryStatus } from './webhook-delivery.entity';

/** A delivery and its webhook, as the delivery job needs them (system read: jobs see every account). */
export interface DeliveryForAttempt {
  id: string;
  accountId: string;
  webhookId: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  scheduleStep: number;
  messageId: string;
  body: string;
  webhook: {
    name: string;
    url: string;
    enabled: boolean;
    secretEncrypted: string;
    previousSecretEncrypted: string | null;
    previousSecretExpiresAt: Date | null;
    consecutiveFailures: number;
    failingSince: Date | null;
    lastSuccessAt: Date | null;
  };
}

const date = (v: unknown) => (v ? new Date(v as string) : null);

/** Loads a delivery with its webhook in one query; null when it is gone. */
export async function deliveryForAttempt(em: EntityManager, id: string): Promise<DeliveryForAttempt | null> {
  const [r] = await em.execute<Record<string, unknown>[]>(
    `select d.id, d.account_id, d.webhook_id, d.status, d.attempts, d.schedule_step, d.message_id, d.body,
       w.name, w.url, w.enabled, w.secret_encrypted, w.previous_secret_encrypted, w.previous_secret_expires_at, w.consecutive_failures, w.failing_since, w.last_success_at
     from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.id = ?`,
    [id],
  );
  if (!r) return null;
  return {
    id: String(r.id),
    accountId: String(r.account_id),
    webhookId: String(r.webhook_id),
    status: r.status as WebhookDeliveryStatus,
    attempts: Number(r.attempts),
    scheduleStep: Number(r.schedule_step),
    messageId: String(r.message_id),
    body: String(r.body),
    webhook: {
      name: String(r.name),
      url: String(r.url),
      enabled: Boolean(r.enabled),
      secretEncrypted: String(r.secret_encrypted),
      previousSecretEncrypted: (r.previous_secret_encrypted as string | null) ?? null,
      previousSecretExpiresAt: date(r.previous_secret_expires_at),
      consecutiveFailures: Number(r.consecutive_failures),
      failingSince: date(r.failing_since),
      lastSuccessAt: date(r.last_success_at),
    },
  };
}

/** The outcome to store on a delivery. */
export interface DeliveryOutcome {
  status: WebhookDeliveryStatus;
  scheduleStep: number;
  nextAttemptAt: Date | null;
  /** The attempt made, if one was (a delivery of a disabled webhook fails without one). */
  attempt: Attempt | null;
  /** Shown when there was no attempt. */
  error?: string;
  /** Also mark the webhook's last success (and end its failure streak), in the same statement. */
  stampSuccess?: boolean;
}

/**
 * Stores a delivery's outcome (and, with `stampSuccess`, the webhook's last success) and announces it to
 * webhookDeliveryUpdated subscribers on commit, in one statement (`em`'s transaction, or its own). Its
 * transaction commits without waiting for the WAL flush (`synchronous_commit` off, local): the job's
 * completion, committed right after, flushes it too; a database crash in between re-runs the job, which
 * sends the same request again (same `webhook-id`), as a crash mid-request does. Side effects: write, NOTIFY on commit.
 */
export async function storeOutcome(em: EntityManager, d: DeliveryForAttempt, o: DeliveryOutcome): Promise<void> {
  const a = o.attempt;
  const event: DeliveryUpdatedEvent = { deliveryId: d.id, webhookId: d.webhookId, accountId: d.accountId };
  await em.execute(
    `with nosync as (select set_config('synchronous_commit', 'off', true)),
     w as (update webhooks set consecutive_failures = 0, failing_since = null, last_success_at = ?, updated_at = now() where ? and id = ? returning id),
     u as (
       update webhook_deliveries set status = ?, schedule_step = ?, next_attempt_at = ?, updated_at = now(),
         attempts = attempts + ?, last_attempt_at = coalesce(?, last_attempt_at), url = coalesce(?, url), request_headers = coalesce(?::jsonb, request_headers),
         response_status = case when ? then ? else response_status end, response_body = case when ? then ? else response_body end,
         duration_ms = case when ? then ? else duration_ms end, error = ?
       where id = ? returning id)
     select pg_notify(?, ?), (select count(*) from nosync), (select count(*) from w) from u`,
    [
      a?.at ?? null,
      !!o.stampSuccess,
      d.webhookId,
      o.status,
      o.scheduleStep,
      o.nextAttemptAt,
      a ? 1 : 0,
      a?.at ?? null,
      a?.url ?? null,
      a ? JSON.stringify(a.headers) : null,
      !!a,
      a?.result.status ?? null,
      !!a,
      a?.result.body ?? null,
      !!a,
      a?.result.durationMs ?? null,
      a ? a.result.error : (o.error ?? null),
      d.id,
      BUS_CHANNEL,
      JSON.stringify({ topic: WEBHOOK_DELIVERY_TOPIC, payload: event }),
    ],
  );
}

/** Counts a failed attempt on the webhook; returns the streak as it stands now, or null when the webhook is gone. */
export async function recordWebhookFailure(em: EntityManager, webhookId: string, at: Date): Promise<{ failures: number; failingSince: Date; enabled: boolean } | null> {
  const [r] = await em.execute<{ consecutive_failures: number; failing_since: string; enabled: boolean }[]>(
    `update webhooks set consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, ?), updated_at = now() where id = ?
     returning consecutive_failures, failing_since, enabled`,
    [at, webhookId],
  );
  return r ? { failures: Number(r.consecutive_failures), failingSince: new Date(r.failing_since), enabled: Boolean(r.enabled) } : null;
}

/** Disables a webhook with the platform's reason; returns whether this call disabled it (it was enabled). */
export async function disableWebhook(em: EntityManager, webhookId: string, reason: string): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>('update webhooks set enabled = false, disabled_reason = ?, updated_at = now() where id = ? and enabled returning id', [
    reason.slice(0, 500),
    webhookId,
  ]);
  return rows.length > 0;
}
