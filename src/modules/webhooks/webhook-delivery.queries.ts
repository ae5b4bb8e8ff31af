import type { EntityManager } from '@mikro-orm/postgresql';
import type { PoolClient, QueryResultRow } from 'pg';
import { executePrepared, executeWithParams } from '../../db/raw-params.queries';
import type { Attempt } from './webhook-attempt';
import { WebhookDeliveryStatus } from './webhook-delivery.entity';

/** A webhook as its dispatcher needs it (system read: jobs see every account). */
export interface DispatchTarget {
  id: string;
  accountId: string;
  name: string;
  url: string;
  enabled: boolean;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  lastSuccessAt: Date | null;
}

const date = (v: unknown) => (v ? new Date(v as string) : null);

/**
 * What the dispatcher's queries run on: an entity manager, or one connection of its own
 * (`onConnection`), or an entity manager with bind parameters (`withBindParams`). The last two also
 * run a hot statement as a named prepared statement (`prepared`): each connection parses it once and
 * PostgreSQL soon plans it once — for the outcome statement, 40 % of its time.
 */
export interface Sql {
  execute: EntityManager['execute'];
  prepared?: <T>(name: string, sql: string, params: unknown[]) => Promise<T[]>;
}

/** `?` placeholders as `$1…$n` (the statements here have no other `?`). Pure. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Runs `sql` as the prepared statement `name` where `on` can, else as a plain statement. */
function runPrepared<T>(on: Sql, name: string, sql: string, params: unknown[]): Promise<T[]> {
  return on.prepared ? on.prepared<T>(name, sql, params) : (on.execute(sql, params) as Promise<T[]>);
}

/** Runs queries written with `?` placeholders on one pg connection (a dispatcher's own: no waiting for the ORM's pool). */
export function onConnection(client: PoolClient): Sql {
  const execute = async (sql: string, params: unknown[] = []) => (await client.query(numbered(sql), params)).rows;
  const texts = new Map<string, string>();
  return {
    execute: execute as unknown as EntityManager['execute'],
    prepared: async <T>(name: string, sql: string, params: unknown[]) => {
      let text = texts.get(name);
      if (text === undefined) texts.set(name, (text = numbered(sql)));
      return (await client.query<T & QueryResultRow>({ name, text, values: params })).rows;
    },
  };
}

/** Runs queries on `em` (its transaction, or a pooled connection) with bind parameters: for statements whose parameters are large (see executeWithParams). */
export function withBindParams(em: EntityManager): Sql {
  return {
    execute: ((sql: string, params: unknown[] = []) => executeWithParams(em, sql, params)) as unknown as EntityManager['execute'],
    prepared: <T>(name: string, sql: string, params: unknown[]) => executePrepared<T>(em, name, numbered(sql), params),
  };
}

/** Loads a webhook for its dispatcher; null when it is gone. */
export async function dispatchTarget(em: Sql, webhookId: string): Promise<DispatchTarget | null> {
  const [r] = await runPrepared<Record<string, unknown>>(
    em,
    'webhook-dispatch-target',
    `select id, account_id, name, url, enabled, secret_encrypted, previous_secret_encrypted, previous_secret_expires_at, consecutive_failures, failing_since, last_success_at
     from webhooks where id = ?`,
    [webhookId],
  );
  if (!r) return null;
  return {
    id: String(r.id),
    accountId: String(r.account_id),
    name: String(r.name),
    url: String(r.url),
    enabled: Boolean(r.enabled),
    secretEncrypted: String(r.secret_encrypted),
    previousSecretEncrypted: (r.previous_secret_encrypted as string | null) ?? null,
    previousSecretExpiresAt: date(r.previous_secret_expires_at),
    consecutiveFailures: Number(r.consecutive_failures),
    failingSince: date(r.failing_since),
    lastSuccessAt: date(r.last_success_at),
  };
}

/**
 * The advisory lock key of "this webhook's deliveries are being sent": the webhook id's last 64 bits
 * (random in a UUIDv7) as a signed bigint — two webhooks sharing one is a 1-in-2^62 chance. Pure.
 */
function dispatchLockKey(webhookId: string): string {
  return BigInt.asIntN(64, BigInt(`0x${webhookId.replace(/-/g, '').slice(16)}`)).toString();
}

/**
 * Takes a webhook's dispatch lock on `client` (a session lock: it lasts until released or the
 * connection ends) and readies the session for `dueDeliveries` (no bitmap scans, no sorts); false
 * when another holds the lock.
 */
export async function tryDispatchLock(client: PoolClient, webhookId: string): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [dispatchLockKey(webhookId)]);
  if (rows[0]?.ok !== true) return false;
  await client.query(`select set_config('enable_bitmapscan', 'off', false), set_config('enable_sort', 'off', false)`);
  return true;
}

/** Releases a webhook's dispatch lock taken on `client` and resets the session's planner settings. */
export async function releaseDispatchLock(client: PoolClient, webhookId: string): Promise<void> {
  await client.query('select pg_advisory_unlock($1::bigint)', [dispatchLockKey(webhookId)]);
  await client.query('reset enable_bitmapscan');
  await client.query('reset enable_sort');
}

/** A PENDING delivery that is due, as its attempt needs it. */
export interface DueDelivery {
  id: string;
  attempts: number;
  scheduleStep: number;
  messageId: string;
  body: string;
}

/**
 * The next PENDING deliveries of a webhook due at `now`, in creation (= event) order, leaving out
 * `exclude` (those in flight). Run on the connection holding the webhook's dispatch lock (nobody else
 * sends them), which has bitmap scans and sorts off: the statistics of a table that just took a burst
 * of deliveries tend to call a webhook's pending rows few, and a bitmap scan and sort of them all per
 * read costs as much as the backlog is long — while the ordered scan of the pending index stops at
 * `limit` and marks the entries of settled rows dead on the way, so the next read skips them.
 */
export async function dueDeliveries(sql: Sql, webhookId: string, now: Date, exclude: readonly string[], limit: number): Promise<DueDelivery[]> {
  const rows = await runPrepared<Record<string, unknown>>(
    sql,
    'webhook-due-deliveries',
    `select id, attempts, schedule_step, message_id, body from webhook_deliveries
     where webhook_id = ? and status = 'PENDING' and next_attempt_at <= ? and id <> all(?::uuid[])
     order by id limit ?`,
    [webhookId, now, `{${exclude.join(',')}}`, limit],
  );
  return rows.map((r) => ({ id: String(r.id), attempts: Number(r.attempts), scheduleStep: Number(r.schedule_step), messageId: String(r.message_id), body: String(r.body) }));
}

/** When a webhook's earliest PENDING delivery is due; null when none is pending. */
export async function nextDueAt(em: Sql, webhookId: string): Promise<Date | null> {
  const [r] = await em.execute<{ at: string | null }[]>(`select min(next_attempt_at) as at from webhook_deliveries where webhook_id = ? and status = 'PENDING'`, [webhookId]);
  return date(r?.at);
}

/** The webhook of a delivery that is still PENDING; null otherwise. */
export async function pendingDeliveryWebhook(em: EntityManager, deliveryId: string): Promise<string | null> {
  const [r] = await em.execute<{ webhook_id: string }[]>(`select webhook_id from webhook_deliveries where id = ? and status = 'PENDING'`, [deliveryId]);
  return r ? String(r.webhook_id) : null;
}

/** The webhooks with a PENDING delivery due before `before` (for the sweep that re-kicks dispatchers). */
export async function webhooksWithDueDeliveries(em: EntityManager, before: Date, limit: number): Promise<string[]> {
  const rows = await em.execute<{ webhook_id: string }[]>(`select distinct webhook_id from webhook_deliveries where status = 'PENDING' and next_attempt_at < ? limit ?`, [before, limit]);
  return rows.map((r) => String(r.webhook_id));
}

/** The outcome to store on a delivery. */
export interface DeliveryOutcome {
  id: string;
  status: WebhookDeliveryStatus;
  scheduleStep: number;
  nextAttemptAt: Date | null;
  /** The attempt made, if one was (a delivery of a disabled webhook fails without one). */
  attempt: Attempt | null;
  /** Shown when there was no attempt. */
  error?: string;
}

/** An outcome to store, with its delivery's webhook. */
export interface WebhookOutcome {
  webhookId: string;
  outcome: DeliveryOutcome;
}

/**
 * Stores a group of outcomes — of one webhook or of many — and the last successes of the webhooks in
 * `stamps` (ending their failure streaks), in one statement (`em`'s transaction, or its own), the
 * rows found by primary key. Only PENDING rows of the named webhook change. No NOTIFY here: a
 * transaction that notifies takes PostgreSQL's one notification lock for its commit (shared by every
 * database of the server), so the caller announces the changes after the commit, off the delivery
 * path (createDeliveryNotices). Its transaction commits without waiting for the WAL flush
 * (`synchronous_commit` off, local): a database crash right after it can lose the outcome, and the
 * delivery is sent again with the same `webhook-id`, as after a worker crash mid-request. Side effect: write.
 */
export async function storeOutcomes(em: Sql, outcomes: readonly WebhookOutcome[], stamps: readonly { webhookId: string; at: Date }[]): Promise<void> {
  if (outcomes.length === 0 && stamps.length === 0) return;
  const rows = outcomes.map(({ webhookId, outcome: o }) => {
    const a = o.attempt;
    return {
      id: o.id,
      webhook_id: webhookId,
      status: o.status,
      schedule_step: o.scheduleStep,
      next_attempt_at: o.nextAttemptAt?.toISOString() ?? null,
      attempted: !!a,
      at: a?.at.toISOString() ?? null,
      url: a?.url ?? null,
      headers: a?.headers ?? null,
      response_status: a?.result.status ?? null,
      response_body: a?.result.body ?? null,
      duration_ms: a?.result.durationMs ?? null,
      error: a ? a.result.error : (o.error ?? null),
    };
  });
  await runPrepared(
    em,
    'webhook-store-outcomes',
    `with nosync as (select set_config('synchronous_commit', 'off', true)),
     s as (select * from jsonb_to_recordset(?::jsonb) as x(id uuid, at timestamptz)),
     w as (update webhooks set consecutive_failures = 0, failing_since = null, last_success_at = s.at, updated_at = now() from s where webhooks.id = s.id returning webhooks.id),
     o as (select * from jsonb_to_recordset(?::jsonb) as x(id uuid, webhook_id uuid, status text, schedule_step int, next_attempt_at timestamptz, attempted boolean, at timestamptz, url text,
             headers jsonb, response_status int, response_body text, duration_ms int, error text)),
     u as (
       update webhook_deliveries d set status = o.status, schedule_step = o.schedule_step, next_attempt_at = o.next_attempt_at, updated_at = now(),
         attempts = d.attempts + case when o.attempted then 1 else 0 end, last_attempt_at = coalesce(o.at, d.last_attempt_at), url = coalesce(o.url, d.url),
         request_headers = coalesce(o.headers, d.request_headers),
         response_status = case when o.attempted then o.response_status else d.response_status end,
         response_body = case when o.attempted then o.response_body else d.response_body end,
         duration_ms = case when o.attempted then o.duration_ms else d.duration_ms end, error = o.error
       from o where d.id = o.id and d.id = any(?::uuid[]) and d.webhook_id = o.webhook_id and d.status = 'PENDING' returning d.id)
     select (select count(*) from u), (select count(*) from nosync), (select count(*) from w)`,
    [JSON.stringify(stamps.map((x) => ({ id: x.webhookId, at: x.at.toISOString() }))), JSON.stringify(rows), `{${outcomes.map((o) => o.outcome.id).join(',')}}`],
  );
}

/** Fails every due PENDING delivery of a webhook without an attempt (the webhook is disabled); returns their ids. Side effect: write. */
export async function failDueDeliveries(em: Sql, target: { id: string }, now: Date, error: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    `update webhook_deliveries set status = ?, next_attempt_at = null, error = ?, updated_at = now()
     where webhook_id = ? and status = 'PENDING' and next_attempt_at <= ? returning id`,
    [WebhookDeliveryStatus.FAILED, error, target.id, now],
  );
  return rows.map((r) => String(r.id));
}

/** What a group of outcomes does to a webhook's failure streak (attempts in completion order). */
export interface StreakChange {
  /** A success in the group ends the streak: it restarts from the failures after the last success. */
  reset: boolean;
  /** Failures counted onto the streak (after the group's last success, if any). */
  failures: number;
  /** When the first of those failures happened (the streak's start when it starts anew). */
  firstFailureAt: Date | null;
  /** The group's last success. */
  lastSuccessAt: Date | null;
  /** The streak is counted up to this. */
  cap: number;
}

/** Applies a group's failures to the webhook's streak; returns the streak as it stands now, or null when the webhook is gone. */
export async function recordWebhookFailures(em: EntityManager, webhookId: string, c: StreakChange): Promise<{ failures: number; failingSince: Date | null; enabled: boolean } | null> {
  const [r] = await em.execute<{ consecutive_failures: number; failing_since: string | null; enabled: boolean }[]>(
    `update webhooks set
       consecutive_failures = least(case when ? then 0 else consecutive_failures end + ?, ?),
       failing_since = case when ? then ?::timestamptz else coalesce(failing_since, ?::timestamptz) end,
       last_success_at = coalesce(?::timestamptz, last_success_at), updated_at = now()
     where id = ? returning consecutive_failures, failing_since, enabled`,
    [c.reset, c.failures, c.cap, c.reset, c.firstFailureAt, c.firstFailureAt, c.lastSuccessAt, webhookId],
  );
  return r ? { failures: Number(r.consecutive_failures), failingSince: date(r.failing_since), enabled: Boolean(r.enabled) } : null;
}

/** Disables a webhook with the platform's reason; returns whether this call disabled it (it was enabled). */
export async function disableWebhook(em: EntityManager, webhookId: string, reason: string): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>('update webhooks set enabled = false, disabled_reason = ?, updated_at = now() where id = ? and enabled returning id', [
    reason.slice(0, 500),
    webhookId,
  ]);
  return rows.length > 0;
}
