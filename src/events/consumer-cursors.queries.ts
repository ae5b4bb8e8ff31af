import type { EntityManager } from '@mikro-orm/postgresql';
import { toEventRow } from './event-row';
import { type StreamEvent, toPlatformEventRow } from './platform-events.queries';

/** A consumer's cursor row, locked for the caller's transaction. */
export interface LockedCursor {
  lastEventId: string;
  retryAt: Date | null;
}

/** What operators see of a consumer. */
export interface ConsumerLag {
  name: string;
  lastEventId: string;
  /** Committed events after the cursor (counted up to 1,000,000). */
  eventsBehind: number;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  secondsBehind: number;
  processed: number;
  failures: number;
  lastError: string | null;
  retryAt: Date | null;
}

const ACTIVITY_COLUMNS = 'id, occurred_at, type, account_id, message_id, tenant_id, domain_id, sender_identity_id, recipient, tags, data, null::uuid as subject_id, false as platform';
const PLATFORM_COLUMNS = 'id, occurred_at, type, account_id, null::uuid as message_id, tenant_id, domain_id, sender_identity_id, null::text as recipient, null::text[] as tags, data, subject_id, true as platform';

/** Ids of the whole commit-ordered stream: activity events and platform events share one sequence. */
const STREAM_IDS = '(select id, occurred_at from activity_events union all select id, occurred_at from platform_events)';

/**
 * Creates the consumer's cursor if it has none: at `startAfter` when given, else at the newest
 * committed event ("from now" — writers still in flight hold the event-order lock and get higher ids).
 */
export async function ensureCursor(em: EntityManager, name: string, startAfter: string | null): Promise<void> {
  await em.execute(
    `insert into event_consumers (name, last_event_id)
     select ?, coalesce(?::bigint, greatest((select max(id) from activity_events), (select max(id) from platform_events)), 0)
     on conflict (name) do nothing`,
    [name, startAfter],
  );
}

/** Locks the consumer's cursor row for this transaction; null when another process holds it (it is running the consumer). */
export async function lockCursor(em: EntityManager, name: string): Promise<LockedCursor | null> {
  const [row] = await em.execute<{ last_event_id: string; retry_at: Date | null }[]>(
    'select last_event_id::text as last_event_id, retry_at from event_consumers where name = ? for update skip locked',
    [name],
  );
  return row ? { lastEventId: row.last_event_id, retryAt: row.retry_at ? new Date(row.retry_at) : null } : null;
}

/**
 * The next committed events of the stream after `afterId`, oldest first: activity and platform events
 * merged in id order (each side's index scan is bounded by `limit`). No scope: consumers see every
 * account's events and keep each to its own.
 */
export async function eventsAfter(em: EntityManager, afterId: string, limit: number): Promise<StreamEvent[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select * from ((select ${ACTIVITY_COLUMNS} from activity_events where id > ? order by id limit ?)
       union all (select ${PLATFORM_COLUMNS} from platform_events where id > ? order by id limit ?)) x
     order by id limit ?`,
    [afterId, limit, afterId, limit, limit],
  );
  return rows.map((r) => (r.platform ? toPlatformEventRow(r) : toEventRow(r)));
}

/** Moves the cursor past `events` and clears any failure state (in the batch's transaction). */
export async function advanceCursor(em: EntityManager, name: string, events: readonly StreamEvent[]): Promise<void> {
  const last = events.at(-1)!;
  await em.execute(
    `update event_consumers set last_event_id = ?, last_event_at = ?, processed = processed + ?, failures = 0, retry_at = null, last_error = null, updated_at = now() where name = ?`,
    [last.id, last.occurredAt, events.length, name],
  );
}

/**
 * Records a failed batch: one more failure, the next try after an exponential backoff (1 s, 2 s, 4 s …
 * at most 5 minutes), the error's message. Returns the failure count and the next try.
 */
export async function recordFailure(em: EntityManager, name: string, message: string): Promise<{ failures: number; retryAt: Date }> {
  const [row] = await em.execute<{ failures: number; retry_at: Date }[]>(
    `update event_consumers set failures = failures + 1, retry_at = now() + least(300, power(2, failures)) * interval '1 second', last_error = ?, updated_at = now()
     where name = ? returning failures, retry_at`,
    [message.slice(0, 1000), name],
  );
  return { failures: row?.failures ?? 1, retryAt: row?.retry_at ? new Date(row.retry_at) : new Date(Date.now() + 1000) };
}

/** Every consumer's position and lag. */
export async function consumerLag(em: EntityManager): Promise<ConsumerLag[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select c.name, c.last_event_id::text as last_event_id, c.processed::text as processed, c.failures, c.last_error, c.retry_at,
       (select count(*) from (select 1 from ${STREAM_IDS} e where e.id > c.last_event_id limit 1000000) x)::int as events_behind,
       coalesce(extract(epoch from now() - (select min(e.occurred_at) from (select occurred_at from ${STREAM_IDS} e where e.id > c.last_event_id order by e.id limit 1) e)), 0)::float as seconds_behind
     from event_consumers c order by c.name`,
  );
  return rows.map((r) => ({
    name: String(r.name),
    lastEventId: String(r.last_event_id),
    eventsBehind: Number(r.events_behind),
    secondsBehind: Math.max(0, Number(r.seconds_behind)),
    processed: Number(r.processed),
    failures: Number(r.failures),
    lastError: (r.last_error as string | null) ?? null,
    retryAt: r.retry_at ? new Date(r.retry_at as string) : null,
  }));
}
