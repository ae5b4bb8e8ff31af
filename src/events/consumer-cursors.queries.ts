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
const PLATFORM_COLUMNS =
  'id, occurred_at, type, account_id, null::uuid as message_id, tenant_id, domain_id, sender_identity_id, null::text as recipient, null::text[] as tags, data, subject_id, true as platform';

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

/** A batch for a consumer: its events, and how far the cursor may move (past events it does not take too). */
export interface EventBatch {
  events: StreamEvent[];
  /** The id the cursor moves to: the last event returned when the batch is full, else the newest committed event of the stream. */
  scannedTo: string;
}

/** Which events a consumer takes: activity events (all, or of some types), and platform events or not. */
export interface BatchFilter {
  types: readonly string[] | null;
  platform: boolean;
}

/**
 * The next committed events of the stream after `afterId` that the consumer takes, oldest first:
 * activity events (only those of `types` when given) and, for platform consumers, platform events,
 * merged in id order. One statement, so one snapshot: since ids are handed out in commit order (one
 * sequence and one event-order lock for both tables), every event at or below the newest committed id
 * is visible in it, and a batch that is not full lets the cursor skip to that id without missing an
 * event it takes. No scope: consumers see every account's events and keep each to its own.
 */
export async function eventsAfter(em: EntityManager, afterId: string, limit: number, filter: BatchFilter = { types: null, platform: false }): Promise<EventBatch> {
  const typed = filter.types ? 'and type in (select jsonb_array_elements_text(?::jsonb))' : '';
  const activity = `(select ${ACTIVITY_COLUMNS} from activity_events where id > ? ${typed} order by id limit ?)`;
  const platform = filter.platform ? ` union all (select ${PLATFORM_COLUMNS} from platform_events where id > ? order by id limit ?)` : '';
  const params: unknown[] = [afterId, ...(filter.types ? [JSON.stringify(filter.types)] : []), limit, ...(filter.platform ? [afterId, limit] : []), limit, afterId, afterId];
  const rows = await em.execute<Record<string, unknown>[]>(
    `with b as (select * from (${activity}${platform}) x order by id limit ?),
          t as (select greatest((select max(id) from activity_events where id > ?), (select max(id) from platform_events where id > ?))::text as top)
     select b.*, t.top from t left join b on true order by b.id`,
    params,
  );
  const events = rows.filter((r) => r.id !== null).map((r) => (r.platform ? toPlatformEventRow(r) : toEventRow(r)));
  const top = (rows[0]?.top as string | null) ?? null;
  const scannedTo = events.length === limit ? events.at(-1)!.id : (top ?? afterId);
  return { events, scannedTo };
}

/**
 * The next range of committed activity events after `afterId`, up to `limit` of them, for a consumer
 * that applies a range in SQL without reading its rows (see RangeConsumer): the last id of the range
 * (when full), how many events it holds, and how far the cursor may move — the newest committed id of the
 * stream when the range is not full (platform events included: the cursor moves past them). One
 * statement, one snapshot, as eventsAfter.
 */
export async function eventRangeAfter(em: EntityManager, afterId: string, limit: number): Promise<EventRange> {
  const [row] = await em.execute<{ last: string | null; n: number; at: Date | null; top: string | null }[]>(
    `with b as (select id, occurred_at from activity_events where id > ? order by id limit ?)
     select (select max(id) from b)::text as last, (select count(*) from b)::int as n, (select max(occurred_at) from b) as at,
       greatest((select max(id) from activity_events where id > ?), (select max(id) from platform_events where id > ?))::text as top`,
    [afterId, limit, afterId, afterId],
  );
  const count = row?.n ?? 0;
  const scannedTo = count === limit ? row!.last! : (row?.top ?? afterId);
  return { afterId, upTo: scannedTo, count, lastOccurredAt: row?.at ? new Date(row.at) : null };
}

/** A range of the stream for a RangeConsumer: events with afterId < id ≤ upTo (upTo is where the cursor moves). */
export interface EventRange {
  afterId: string;
  upTo: string;
  /** Activity events in the range. */
  count: number;
  lastOccurredAt: Date | null;
}

/** How far a batch moved a consumer: the cursor's new place, how many events it applied, the time of the last. */
export interface CursorAdvance {
  scannedTo: string;
  count: number;
  lastOccurredAt: Date | null;
}

/** The advance of a batch of events. Pure. */
export function advanceOf(batch: EventBatch): CursorAdvance {
  return { scannedTo: batch.scannedTo, count: batch.events.length, lastOccurredAt: batch.events.at(-1)?.occurredAt ?? null };
}

/** Moves the cursor to `scannedTo` after the batch's events were applied, and clears any failure state (in the batch's transaction). */
export async function advanceCursor(em: EntityManager, name: string, a: CursorAdvance): Promise<void> {
  await em.execute(
    `update event_consumers set last_event_id = ?, last_event_at = coalesce(?, last_event_at), processed = processed + ?, failures = 0, retry_at = null, last_error = null, updated_at = now() where name = ?`,
    [a.scannedTo, a.lastOccurredAt, a.count, name],
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
