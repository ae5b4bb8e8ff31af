import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { systemEm } from '../context';
import type { Logger } from '../lib/logger';
import type { EventRow } from './event-row';
import type { ActivityEventType } from './event-type';
import { isPlatformEvent, type StreamEvent } from './platform-events.queries';
import { advanceCursor, advanceOf, type CursorAdvance, ensureCursor, type EventRange, eventRangeAfter, eventsAfter, lockCursor, recordFailure } from './consumer-cursors.queries';

/**
 * A durable event consumer: named code that sees every committed event exactly once, in id (= commit)
 * order, across restarts and crashes.
 *
 * Invariants the runner keeps:
 * - The batch's events, the handler's writes and the cursor's advance share one transaction: a crash
 *   (even `kill -9`) before the commit leaves the cursor where it was and the batch runs again, so a
 *   database effect happens exactly once. Outside effects (HTTP, mail) must be handed to the job queue
 *   (`deps.queue.add(em, …)`) with that `em`, so they are queued exactly once too.
 * - One runner per consumer at a time in the whole cluster: the batch holds a row lock on the cursor
 *   (`for update skip locked`); another process skips it and tries later.
 * - Ids are handed out in commit order (the event-order lock), so `id > cursor` never skips an event
 *   that commits late.
 * - A handler that throws rolls back its batch, which is retried with exponential backoff (1 s … 5 min,
 *   kept on the cursor row, so every process waits the same);
 *   other consumers go on. The cursor row keeps failures, the next try and the last error.
 * - A new consumer starts after the newest committed event, unless `startAfter` names an id.
 * - The stream is activity_events and platform_events together (one id sequence, one event-order
 *   lock): a consumer with `platformEvents: true` gets both kinds merged in id order; any other gets
 *   the activity events only (its cursor still moves past the platform events).
 */
export type EventConsumer<D = unknown> = ActivityConsumer<D> | StreamConsumer<D> | RangeConsumer<D>;

/** What every consumer declares. */
interface ConsumerBase {
  /** Stable name: the key of the cursor row. Renaming a consumer starts it afresh. */
  readonly name: string;
  /** Where a consumer without a cursor starts: after this event id (default: after the newest event). */
  readonly startAfter?: string;
  /** Events per batch (default 500). */
  readonly batchSize?: number;
  /**
   * The activity event types it handles; the others are skipped in SQL (the cursor still moves past them).
   * Unset: every activity event. Skipping is exact: ids follow commit order, so what the batch's snapshot
   * has not seen gets a higher id.
   */
  readonly types?: readonly ActivityEventType[];
}

/** A consumer of message events only. */
export interface ActivityConsumer<D = unknown> extends ConsumerBase {
  readonly platformEvents?: false;
  readonly range?: false;
  /** Applies a batch, writing through `em` (the batch's transaction, sees every account: keep each event to its own account). */
  handle(em: EntityManager, events: readonly EventRow[], deps: D): Promise<void>;
}

/** A consumer of the whole stream: message events and platform events, in id order. */
export interface StreamConsumer<D = unknown> extends ConsumerBase {
  readonly platformEvents: true;
  readonly range?: false;
  /** Applies a batch, writing through `em` (the batch's transaction, sees every account: keep each event to its own account). */
  handle(em: EntityManager, events: readonly StreamEvent[], deps: D): Promise<void>;
}

/**
 * A consumer that applies a range of activity events in SQL, reading none of them into the process
 * (aggregations: the rows never travel). It gets the range's bounds — `batchSize` events at most — and
 * must take exactly the events with `afterId < id ≤ upTo` (of its types, in its statements); the same
 * invariants hold (one transaction with the cursor's advance).
 */
export interface RangeConsumer<D = unknown> extends Omit<ConsumerBase, 'types'> {
  readonly range: true;
  readonly platformEvents?: false;
  /** Applies the events of `range` (at least one), writing through `em` (the batch's transaction, sees every account). */
  handleRange(em: EntityManager, range: EventRange, deps: D): Promise<void>;
}

/** Hands a batch to the consumer: the whole stream, or only its activity events (none: nothing to call). */
async function handleBatch<D>(c: ActivityConsumer<D> | StreamConsumer<D>, tx: EntityManager, events: StreamEvent[], deps: D): Promise<void> {
  if (c.platformEvents) return c.handle(tx, events, deps);
  const activity = events.filter((e): e is EventRow => !isPlatformEvent(e));
  if (activity.length) await c.handle(tx, activity, deps);
}

/** Running consumers of this process. */
export interface ConsumerRunner {
  /** Asks every consumer to look for new events now (the events NOTIFY calls it). */
  wake(): void;
  /** Resolves when every consumer has applied every event committed up to now (tests, benchmarks). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Options of the runner. */
export interface ConsumerRunnerOptions<D> {
  orm: MikroORM;
  consumers: readonly EventConsumer<D>[];
  deps: D;
  logger: Logger;
  /** Fallback poll when no notification arrives (default 5 s). */
  pollMs?: number;
}

type Outcome = { kind: 'more' } | { kind: 'idle' } | { kind: 'locked' } | { kind: 'wait'; until: Date };

/** Runs one batch of one consumer in one transaction. */
async function runBatch<D>(orm: MikroORM, c: EventConsumer<D>, deps: D): Promise<Outcome> {
  const size = c.batchSize ?? 500;
  return systemEm(orm).transactional(async (tx) => {
    const cursor = await lockCursor(tx, c.name);
    if (!cursor) return { kind: 'locked' };
    if (cursor.retryAt && cursor.retryAt.getTime() > Date.now()) return { kind: 'wait', until: cursor.retryAt };
    let advance: CursorAdvance;
    if (c.range) {
      const range = await eventRangeAfter(tx, cursor.lastEventId, size);
      if (range.upTo === cursor.lastEventId) return { kind: 'idle' };
      if (range.count) await c.handleRange(tx, range, deps);
      advance = { scannedTo: range.upTo, count: range.count, lastOccurredAt: range.lastOccurredAt };
    } else {
      const batch = await eventsAfter(tx, cursor.lastEventId, size, { types: c.types ?? null, platform: c.platformEvents === true });
      if (batch.scannedTo === cursor.lastEventId) return { kind: 'idle' };
      if (batch.events.length) await handleBatch(c, tx, batch.events, deps);
      advance = advanceOf(batch);
    }
    await tx.flush();
    await advanceCursor(tx, c.name, advance);
    return advance.count === size ? { kind: 'more' } : { kind: 'idle' };
  });
}

/**
 * Starts every consumer's loop in this process: each one runs batches while there is work, then sleeps
 * until `wake()` (the events NOTIFY), its poll, or its backoff ends. Side effects: database reads and
 * the consumers' writes.
 */
export async function startConsumers<D>(opts: ConsumerRunnerOptions<D>): Promise<ConsumerRunner> {
  const { orm, logger } = opts;
  const pollMs = opts.pollMs ?? 5000;
  for (const c of opts.consumers) await ensureCursor(systemEm(orm), c.name, c.startAfter ?? null);
  let stopped = false;
  const loops = opts.consumers.map((c) => {
    let wakeUp: (() => void) | null = null;
    let pending = true;
    let idle = false;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wakeUp = null;
          resolve();
        }
        wakeUp = done;
      });
    const log = logger.child({ consumer: c.name });
    const run = async () => {
      while (!stopped) {
        pending = false;
        let outcome: Outcome;
        try {
          outcome = await runBatch(orm, c, opts.deps);
        } catch (err) {
          outcome = { kind: 'wait', until: await recordFailureSafely(orm, c.name, err, log) };
        }
        if (outcome.kind === 'more' || stopped) continue;
        if (pending) continue;
        idle = outcome.kind === 'idle';
        const ms = outcome.kind === 'wait' ? Math.max(10, outcome.until.getTime() - Date.now()) : outcome.kind === 'locked' ? Math.min(pollMs, 1000) : pollMs;
        await sleep(ms);
        idle = false;
      }
    };
    const done = run();
    return {
      name: c.name,
      done,
      wake() {
        pending = true;
        wakeUp?.();
      },
      isIdle: () => idle && !pending,
    };
  });
  return {
    wake: () => loops.forEach((l) => l.wake()),
    async drain(timeoutMs = 30_000) {
      const started = Date.now();
      loops.forEach((l) => l.wake());
      await new Promise((r) => setTimeout(r, 20));
      while (!loops.every((l) => l.isIdle())) {
        if (Date.now() - started > timeoutMs) throw new Error(`consumers did not catch up in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      stopped = true;
      loops.forEach((l) => l.wake());
      await Promise.all(loops.map((l) => l.done));
    },
  };
}

async function recordFailureSafely(orm: MikroORM, name: string, err: unknown, log: Logger): Promise<Date> {
  const message = err instanceof Error ? err.message : String(err);
  try {
    const { failures, retryAt } = await recordFailure(systemEm(orm), name, message);
    log.error({ err, failures, retryAt }, 'event consumer failed; its batch will be retried');
    return retryAt;
  } catch (e) {
    log.error({ err: e }, 'event consumer failed and its failure could not be recorded');
    return new Date(Date.now() + 5000);
  }
}
