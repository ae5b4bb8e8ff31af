import type { JobHelpers } from 'graphile-worker';
import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import type { TaskDeps } from '../module';
import { isSuccess, sendSigned, signingSecrets } from './webhook-attempt';
import { type Answered, type DispatchStores } from './webhook-dispatch-stores.task';
import { settleFailures } from './webhook-failures.task';
import {
  type DispatchTarget,
  dispatchTarget,
  type DueDelivery,
  dueDeliveries,
  failDueDeliveries,
  nextDueAt,
  onConnection,
  pendingDeliveryWebhook,
  releaseDispatchLock,
  type Sql,
  tryDispatchLock,
  webhooksWithDueDeliveries,
} from './webhook-delivery.queries';
import { DISPATCH_TASK, type DispatchJobPayload, dispatchJobKey, kickDispatchers, retryJobKey } from './webhook-fanout';

/** The job of the delivery-per-job design before dispatchers: a queued one (from before an upgrade) kicks its webhook's dispatcher. */
export const LEGACY_DELIVER_TASK = 'webhook-deliver';

/** The recurring job that re-kicks the dispatchers of webhooks whose due deliveries wait (a lost kick costs a minute, not the delivery). */
export const SWEEP_TASK = 'webhook-sweep';

/** Why a delivery of a disabled webhook was not sent. */
const DISABLED = 'The webhook is disabled';

/** How stale `lastSuccessAt` may get before a success writes the webhook row again. */
const SUCCESS_STAMP_MS = 60_000;

/** Due deliveries read per query. */
const CLAIM_BATCH = 200;

/** How long one dispatch job sends before it queues its successor and gives its worker slot back (other jobs and webhooks get a turn). */
const DISPATCH_BUDGET_MS = 10_000;

/**
 * Requests sent and not yet recorded, per request slot: a success's slot is free at the answer while its
 * outcome waits for the group commit, so this many per slot keeps the slots busy while a commit takes a
 * few round trips' time. It bounds what a crash re-sends: at most this times WEBHOOK_ENDPOINT_CONCURRENCY.
 */
const UNRECORDED_PER_SLOT = 4;

/**
 * A webhook whose last this many attempts failed in a row is sent one request at a time until one
 * succeeds: a failing endpoint (and its retries) does not take the healthy endpoints' share of the
 * process, and a struggling receiver is not pressed with WEBHOOK_ENDPOINT_CONCURRENCY requests at once.
 */
const FAILING_STREAK = 10;

/** When another job holds a webhook's dispatch lock, a job of its key looks again this much later. */
const BUSY_RETRY_MS = 1000;

function validPayload(p: unknown): p is DispatchJobPayload {
  const x = p as DispatchJobPayload | null;
  return typeof x?.webhookId === 'string' && isUuid(x.webhookId);
}

/**
 * Sends a webhook's due deliveries (announcing each outcome after its commit through `notices`), the
 * caller holding its dispatch lock on `sql`'s connection (which the hot path's statements run on: no
 * waiting for the ORM's pool). Deliveries are taken in creation (= event) order and started in that
 * order, at most WEBHOOK_ENDPOINT_CONCURRENCY requests at once (one while the webhook is failing:
 * FAILING_STREAK). A success frees its request slot at the
 * answer while its outcome is committed (the process's group commit); a failure keeps its slot until
 * its outcome (the streak, a retry, a disabling) is stored. At most UNRECORDED_PER_SLOT × WEBHOOK_ENDPOINT_CONCURRENCY
 * requests are ever sent and not yet recorded — what a crash can make us send again. The next batch of
 * due deliveries is read ahead while the current one is sent; the webhook (URL, secrets, enabled) is
 * read again with every batch; once it is disabled no new request starts and its due deliveries fail.
 * Side effects: network, writes, NOTIFY, system mail.
 */
async function dispatch(td: TaskDeps, stores: DispatchStores, sql: Sql, webhookId: string): Promise<void> {
  const limit = td.config.webhookEndpointConcurrency;
  const started = Date.now();
  // Ids sent and not yet recorded (left out of reads); requests not yet answered; answered successes being committed.
  const inFlight = new Set<string>();
  const sending = new Set<Promise<void>>();
  const recording = new Set<Promise<void>>();
  const buffer: DueDelivery[] = [];
  let target: DispatchTarget | null = null;
  let secrets: string[] = [];
  let enabled = true;
  let failure: unknown = null;

  // Failures of this webhook are stored in groups of their own (the streak is counted in order): those
  // answered while a group is being stored form the next. Successes go to the process's SuccessStore.
  let failed: { a: Answered; done: () => void; fail: (e: unknown) => void }[] = [];
  let storing = false;
  const failureLoop = async () => {
    while (failed.length) {
      const group = failed;
      failed = [];
      try {
        const stillEnabled = await settleFailures(
          td,
          sql,
          target!,
          group.map((g) => g.a),
        );
        if (!stillEnabled) enabled = false;
        stores.notices.publish(
          target!,
          group.map((g) => g.a.d.id),
        );
        group.forEach((g) => g.done());
      } catch (err) {
        group.forEach((g) => g.fail(err));
      }
    }
    storing = false;
  };
  const settle = (a: Answered): Promise<void> => {
    const w = target!;
    if (isSuccess(a.attempt.result)) {
      const stamp = w.consecutiveFailures !== 0 || !w.lastSuccessAt || a.attempt.at.getTime() - w.lastSuccessAt.getTime() > SUCCESS_STAMP_MS;
      if (stamp) Object.assign(w, { consecutiveFailures: 0, failingSince: null, lastSuccessAt: a.attempt.at });
      return stores.successes.store(w, a, stamp);
    }
    return new Promise<void>((done, fail) => {
      failed.push({ a, done, fail });
      if (!storing) {
        storing = true;
        void failureLoop();
      }
    });
  };

  // A read of the webhook and of its next due deliveries, on the lock's connection: when the buffer is
  // empty, and ahead of time (the buffer down to `limit`) while the last read found a full batch, so the
  // slots do not wait for it. It leaves out what is buffered or not yet recorded.
  const reads: { pending: Promise<void> | null; full: boolean; gone: boolean } = { pending: null, full: true, gone: false };
  const read = async () => {
    const fresh = await dispatchTarget(sql, webhookId);
    if (!fresh || !fresh.enabled) {
      reads.gone = true;
      if (fresh) enabled = false;
      return;
    }
    // Keep the streak as counted by this dispatcher's own writes; take everything else (URL, secrets, enabled) fresh.
    target = target ? { ...fresh, consecutiveFailures: target.consecutiveFailures, failingSince: target.failingSince, lastSuccessAt: target.lastSuccessAt } : fresh;
    secrets = signingSecrets(td.config, fresh, td.deps.clock.now());
    const got = await dueDeliveries(sql, webhookId, td.deps.clock.now(), [...inFlight, ...buffer.map((d) => d.id)], CLAIM_BATCH);
    buffer.push(...got);
    reads.full = got.length === CLAIM_BATCH;
  };
  const startRead = () => {
    reads.pending = read()
      .catch((err: unknown) => void (failure ??= err))
      .finally(() => {
        reads.pending = null;
      });
  };
  // The loop sleeps until a request is answered or an outcome committed (one waiter, woken by whichever comes first).
  let wake: (() => void) | null = null;
  const settled = () => new Promise<void>((r) => (wake = r));
  const woke = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  for (;;) {
    if (!enabled || failure || reads.gone) break;
    const slots = ((target as DispatchTarget | null)?.consecutiveFailures ?? 0) >= FAILING_STREAK ? 1 : limit;
    if (sending.size >= slots || sending.size + recording.size >= UNRECORDED_PER_SLOT * limit) {
      await settled();
      continue;
    }
    if (!reads.pending && Date.now() - started <= DISPATCH_BUDGET_MS && (buffer.length === 0 || (buffer.length <= limit && reads.full))) startRead();
    if (buffer.length === 0) {
      if (!reads.pending) break; // the time budget is spent
      await reads.pending;
      if (buffer.length === 0 && !reads.gone) {
        if (sending.size + recording.size === 0) break;
        await settled();
      }
      continue;
    }
    const d = buffer.shift()!;
    inFlight.add(d.id);
    const request: Promise<void> = sendSigned(td.deps, target!.url, secrets, d.messageId, d.body)
      .then((attempt) => {
        const recorded = settle({ d, attempt }).finally(() => inFlight.delete(d.id));
        if (!isSuccess(attempt.result)) return recorded;
        // A success frees its request slot at the answer; its outcome is committed meanwhile (group commit).
        const r: Promise<void> = recorded
          .catch((err: unknown) => void (failure ??= err))
          .finally(() => {
            recording.delete(r);
            woke();
          });
        recording.add(r);
      })
      .catch((err: unknown) => void (failure ??= err))
      .finally(() => {
        sending.delete(request);
        woke();
      });
    sending.add(request);
  }
  await reads.pending;
  await Promise.all([...sending]);
  await Promise.all([...recording]);
  if (failure) throw failure;
  if (!enabled && target) {
    stores.notices.publish(target, await failDueDeliveries(sql, target, td.deps.clock.now(), DISABLED));
  }
}

/**
 * Queues what comes after a dispatch, once its lock is released: a dispatch now (a job of its key waiting
 * for a later time, queued by a look that found the lock busy, is moved to now) when deliveries are
 * due (they came after its last look, or it stopped for its time budget: the successor queues behind
 * the jobs waiting), else one at the earliest pending retry (keyed per webhook). Side effect: a job.
 */
async function scheduleNext(td: TaskDeps, webhookId: string): Promise<void> {
  const em = systemEm(td.orm);
  const at = await nextDueAt(em, webhookId);
  if (!at) return;
  const payload = { webhookId } satisfies DispatchJobPayload;
  if (at.getTime() <= td.deps.clock.now().getTime()) return kickDispatchers(em, td.deps.queue, [webhookId], undefined, true);
  await td.deps.queue.add(em, DISPATCH_TASK, payload, { runAt: at, jobKey: retryJobKey(webhookId), maxAttempts: 25 });
}

/**
 * The `webhook-dispatch` job: sends one webhook's due deliveries (see `dispatch`) while holding its
 * dispatch lock — a session advisory lock on a connection of the worker's pool, so one dispatcher per
 * webhook runs in the whole cluster and a process killed mid-delivery releases it with its connection.
 * A job that finds the lock taken queues another of its key a second later (the holder sends what is
 * due meanwhile, and looks once more after its release; if it dies, that job takes over once the dead
 * connection's lock is gone). Jobs are queued by the fan-out (keyed per webhook: at most one waits), by redelivery, by a
 * dispatch for what came after it or for the next retry, and by the sweep.
 *
 * Order: a webhook's deliveries are started in creation order — the event order of the stream, with
 * replays and redeliveries queued behind what is already due — and none is started before every
 * earlier one that was due when its batch (CLAIM_BATCH) was read was started; with
 * WEBHOOK_ENDPOINT_CONCURRENCY=1 none is started before the previous one was answered (and, when it
 * failed, before its retry or disabling was committed), so first attempts arrive strictly in event order. A failed attempt is retried at its time on the schedule and does not hold
 * the later deliveries back: a retry can arrive after deliveries of later events. A crash re-sends
 * only the requests sent and not yet recorded (at most 4 × WEBHOOK_ENDPOINT_CONCURRENCY per webhook),
 * with the same `webhook-id`. Side effects: network, writes, jobs, system mail when a webhook is disabled.
 */
export async function runDispatchJob(td: TaskDeps, stores: DispatchStores, payload: unknown, helpers: Pick<JobHelpers, 'withPgClient'>): Promise<void> {
  if (!validPayload(payload)) return td.deps.logger.warn({ payload }, 'webhook-dispatch job with an invalid payload');
  const { webhookId } = payload;
  const ran = await helpers.withPgClient(async (client) => {
    if (!(await tryDispatchLock(client, webhookId))) return false;
    try {
      await dispatch(td, stores, onConnection(client), webhookId);
    } finally {
      await releaseDispatchLock(client, webhookId);
    }
    return true;
  });
  if (ran) return scheduleNext(td, webhookId);
  // Not simply ended: the holder may die without looking again, and its own job may never run again
  // (a kick that met it running used up its attempts) — a job of the key must stay queued meanwhile.
  await td.deps.queue.add(systemEm(td.orm), DISPATCH_TASK, { webhookId } satisfies DispatchJobPayload, {
    runAt: new Date(td.deps.clock.now().getTime() + BUSY_RETRY_MS),
    jobKey: dispatchJobKey(webhookId),
    jobKeyMode: 'preserve_run_at',
    maxAttempts: 25,
  });
}

/** The `webhook-deliver` job of before dispatchers (`{ deliveryId }`): kicks the dispatcher of that delivery's webhook. Side effect: a job. */
export async function runLegacyDeliverJob(td: TaskDeps, payload: unknown): Promise<void> {
  const id = (payload as { deliveryId?: unknown } | null)?.deliveryId;
  if (typeof id !== 'string' || !isUuid(id)) return td.deps.logger.warn({ payload }, 'webhook-deliver job with an invalid payload');
  const em = systemEm(td.orm);
  const webhookId = await pendingDeliveryWebhook(em, id);
  if (webhookId) await kickDispatchers(em, td.deps.queue, [webhookId]);
}

/** The `webhook-sweep` job (every minute): kicks the dispatchers of webhooks with deliveries due for more than a minute. Side effect: jobs. */
export async function runSweepJob(td: TaskDeps): Promise<void> {
  const em = systemEm(td.orm);
  const ids = await webhooksWithDueDeliveries(em, new Date(td.deps.clock.now().getTime() - 60_000), 1000);
  if (ids.length) await kickDispatchers(em, td.deps.queue, ids);
}
