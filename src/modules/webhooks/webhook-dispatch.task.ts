import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { JobHelpers } from 'graphile-worker';
import { Role } from '../../auth/permissions';
import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import { publishAllOnCommit } from '../../pubsub/bus';
import { SystemEmailKind } from '../mail/system-email.entity';
import { sendSystemEmail } from '../mail/system-mail.service';
import { Membership, MemberStatus } from '../members/membership.entity';
import type { TaskDeps } from '../module';
import { type Attempt, type DeliveryUpdatedEvent, isSuccess, sendSigned, signingSecrets, WEBHOOK_DELIVERY_TOPIC } from './webhook-attempt';
import { WebhookDeliveryStatus } from './webhook-delivery.entity';
import {
  type DeliveryOutcome,
  type DispatchTarget,
  disableWebhook,
  dispatchTarget,
  type DueDelivery,
  dueDeliveries,
  failDueDeliveries,
  nextDueAt,
  onConnection,
  pendingDeliveryWebhook,
  recordWebhookFailures,
  releaseDispatchLock,
  type Sql,
  storeOutcomes,
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

/** When another job holds a webhook's dispatch lock, a job of its key looks again this much later. */
const BUSY_RETRY_MS = 1000;

/** Announces delivery changes to webhookDeliveryUpdated subscribers, after their commit. */
export interface DeliveryNotices {
  /** Queues the announcement of committed changes (never waits for it). */
  publish(events: readonly DeliveryUpdatedEvent[]): void;
}

/**
 * Announcements on the bus (NOTIFY), at most one statement at a time: what is queued while one is
 * sent goes in the next. They are off the delivery path because PostgreSQL takes one lock, shared by
 * every database of the server, for the commit of each transaction that notifies — a dispatcher that
 * notified in its outcome statement would wait there for every other notifier's commit. Subscriptions
 * are live only: an announcement lost in a crash costs a subscriber one update, never a delivery.
 * Side effects: database NOTIFY.
 */
function createDeliveryNotices(orm: MikroORM, logger: Logger): DeliveryNotices {
  let queued: DeliveryUpdatedEvent[] = [];
  let sending = false;
  const pump = async () => {
    while (queued.length) {
      const batch = queued;
      queued = [];
      await publishAllOnCommit(systemEm(orm), WEBHOOK_DELIVERY_TOPIC, batch).catch((err: Error) => logger.warn({ err: err.message, count: batch.length }, 'webhook delivery announcements failed'));
    }
    sending = false;
  };
  return {
    publish(events) {
      if (events.length === 0) return;
      queued.push(...events);
      if (!sending) {
        sending = true;
        void pump();
      }
    },
  };
}

/** What the dispatchers of one process share. */
export interface DispatchStores {
  successes: SuccessStore;
  notices: DeliveryNotices;
}

/** The dispatchers' shared stores of one process. */
export function createDispatchStores(orm: MikroORM, logger: Logger): DispatchStores {
  const notices = createDeliveryNotices(orm, logger);
  return { notices, successes: createSuccessStore(orm, notices) };
}

function validPayload(p: unknown): p is DispatchJobPayload {
  const x = p as DispatchJobPayload | null;
  return typeof x?.webhookId === 'string' && isUuid(x.webhookId);
}

/** Mails the account's active admins that the platform disabled a webhook. Side effects: mail, writes. */
async function tellAdmins(em: EntityManager, td: TaskDeps, w: DispatchTarget, reason: string): Promise<void> {
  const admins = await em.find(Membership, { account: w.accountId, role: Role.ADMIN, status: MemberStatus.ACTIVE }, { populate: ['user'] });
  const text = `Mailroom disabled the webhook "${w.name}" (${w.url}).\n\nReason: ${reason}\n\nFix the endpoint, then enable the webhook again with updateWebhook; replayWebhookEvents re-sends what it missed.`;
  for (const m of admins) {
    await sendSystemEmail(em, td.deps, td.config, {
      accountId: w.accountId,
      kind: SystemEmailKind.WEBHOOK_DISABLED,
      to: m.user.getEntity().email,
      subject: `Webhook disabled: ${w.name}`,
      text,
      secrets: [],
    });
  }
}

/** One answered attempt of a delivery, waiting for its outcome to be stored. */
interface Answered {
  d: DueDelivery;
  attempt: Attempt;
}

/** The outcome of an answered attempt: success, the next attempt on the retry schedule, or FAILED past its end (or when the webhook is disabled). */
function outcomeOf(td: TaskDeps, g: Answered, enabled: boolean): DeliveryOutcome {
  if (isSuccess(g.attempt.result)) return { id: g.d.id, status: WebhookDeliveryStatus.SUCCEEDED, scheduleStep: g.d.scheduleStep, nextAttemptAt: null, attempt: g.attempt };
  const schedule = td.config.webhookRetryScheduleSeconds;
  const step = g.d.scheduleStep + 1;
  if (!enabled || step >= schedule.length) return { id: g.d.id, status: WebhookDeliveryStatus.FAILED, scheduleStep: g.d.scheduleStep, nextAttemptAt: null, attempt: g.attempt };
  return { id: g.d.id, status: WebhookDeliveryStatus.PENDING, scheduleStep: step, nextAttemptAt: new Date(g.attempt.at.getTime() + schedule[step] * 1000), attempt: g.attempt };
}

/** Stores successful attempts for every dispatcher of the process, together. */
export interface SuccessStore {
  /** Stores a success (and the webhook's last success, with `stamp`); resolves once it is committed. */
  store(webhook: { id: string; accountId: string }, a: Answered, stamp: boolean): Promise<void>;
}

/**
 * Group commit across the process's dispatchers: successes answered while a statement runs are stored
 * by the next one, whatever their webhook (one statement at a time), then announced. The fewer the
 * statements, the fewer the round trips and socket writes per delivery: under load the groups grow.
 * Side effects: writes, announcements.
 */
export function createSuccessStore(orm: MikroORM, notices: DeliveryNotices): SuccessStore {
  let waiting: { webhook: { id: string; accountId: string }; a: Answered; stamp: boolean; done: () => void; fail: (e: unknown) => void }[] = [];
  let storing = false;
  const loop = async () => {
    while (waiting.length) {
      const group = waiting;
      waiting = [];
      try {
        const stamps = new Map(group.filter((g) => g.stamp).map((g) => [g.webhook.id, g.a.attempt.at]));
        await storeOutcomes(
          systemEm(orm),
          group.map((g) => ({
            webhookId: g.webhook.id,
            outcome: { id: g.a.d.id, status: WebhookDeliveryStatus.SUCCEEDED, scheduleStep: g.a.d.scheduleStep, nextAttemptAt: null, attempt: g.a.attempt },
          })),
          [...stamps].map(([webhookId, at]) => ({ webhookId, at })),
        );
        notices.publish(group.map((g) => ({ deliveryId: g.a.d.id, webhookId: g.webhook.id, accountId: g.webhook.accountId })));
        group.forEach((g) => g.done());
      } catch (err) {
        group.forEach((g) => g.fail(err));
      }
    }
    storing = false;
  };
  return {
    store: (webhook, a, stamp) =>
      new Promise<void>((done, fail) => {
        waiting.push({ webhook, a, stamp, done, fail });
        if (!storing) {
          storing = true;
          void loop();
        }
      }),
  };
}

/**
 * Stores a group of one webhook's failed attempts (in the order they were answered) and returns
 * whether the webhook is still enabled. One transaction: the streak (failures count, up to
 * WEBHOOK_DISABLE_AFTER_FAILURES; a success ends it, see SuccessStore), the disabling — at once on
 * `410 Gone`, or when every attempt failed for WEBHOOK_DISABLE_AFTER_HOURS and at least
 * WEBHOOK_DISABLE_AFTER_FAILURES times in a row (whichever is later), mailing the admins — and each
 * delivery's next attempt on the retry schedule (`next_attempt_at`), or FAILED past its end or when the
 * webhook is disabled. A streak already counted up to its cap and not yet old enough to disable is not
 * written again (one statement): a failing endpoint costs about what a healthy one does. Side effects:
 * writes, system mail.
 */
async function settleFailures(td: TaskDeps, sql: Sql, w: DispatchTarget, group: readonly Answered[]): Promise<boolean> {
  const threshold = td.config.webhookDisableAfterFailures;
  const last = group.at(-1)!.attempt.at;
  const gone = group.some((g) => g.attempt.result.status === 410);
  const outcomes = (enabled: boolean) => group.map((g) => ({ webhookId: w.id, outcome: outcomeOf(td, g, enabled) }));
  const counted = !gone && w.failingSince !== null && w.consecutiveFailures >= threshold && last.getTime() - w.failingSince.getTime() < td.config.webhookDisableAfterHours * 3600_000;
  if (counted) {
    await storeOutcomes(sql, outcomes(true), []);
    return true;
  }
  return systemEm(td.orm).transactional(async (tx) => {
    const streak = await recordWebhookFailures(tx, w.id, { reset: false, failures: group.length, firstFailureAt: group[0].attempt.at, lastSuccessAt: null, cap: threshold });
    let enabled = !!streak?.enabled;
    if (streak && enabled) {
      Object.assign(w, { consecutiveFailures: streak.failures, failingSince: streak.failingSince });
      const failingMs = streak.failingSince ? last.getTime() - streak.failingSince.getTime() : 0;
      const reason = gone
        ? 'The endpoint answered 410 Gone'
        : streak.failures >= threshold && streak.failingSince && failingMs >= td.config.webhookDisableAfterHours * 3600_000
          ? `Every delivery failed for ${Math.floor(failingMs / 3600_000)} hours (at least ${streak.failures} attempts in a row)`
          : null;
      if (reason) {
        enabled = false;
        if (await disableWebhook(tx, w.id, reason)) await tellAdmins(tx, td, w, reason);
      }
    }
    await storeOutcomes(tx, outcomes(enabled), []);
    return enabled;
  });
}

/**
 * Sends a webhook's due deliveries (announcing each outcome after its commit through `notices`), the caller holding its dispatch lock on `sql`'s connection (which
 * the hot path's statements run on: no waiting for the ORM's pool). Deliveries are taken in
 * creation (= event) order and started in that order, at most WEBHOOK_ENDPOINT_CONCURRENCY at once; a
 * slot is freed only once its outcome is stored (committed), so at most that many requests are ever
 * sent and not yet recorded — what a crash can make us send again. Outcomes answered together are
 * stored together (one statement per group). The webhook (URL, secrets, enabled) is read again with
 * every claim; once it is disabled no new request starts and its due deliveries fail. Side effects:
 * network, writes, NOTIFY, system mail.
 */
async function dispatch(td: TaskDeps, stores: DispatchStores, sql: Sql, webhookId: string): Promise<void> {
  const limit = td.config.webhookEndpointConcurrency;
  const started = Date.now();
  const inFlight = new Set<string>();
  const slots = new Set<Promise<void>>();
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
        stores.notices.publish(group.map((g) => ({ deliveryId: g.a.d.id, webhookId, accountId: target!.accountId })));
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

  for (;;) {
    if (!enabled || failure) break;
    if (slots.size >= limit) {
      await Promise.race(slots);
      continue;
    }
    if (buffer.length === 0) {
      if (Date.now() - started > DISPATCH_BUDGET_MS) break;
      const fresh = await dispatchTarget(sql, webhookId);
      if (!fresh) break;
      // Keep the streak as counted by this dispatcher's own writes; take everything else (URL, secrets, enabled) fresh.
      target = target ? { ...fresh, consecutiveFailures: target.consecutiveFailures, failingSince: target.failingSince, lastSuccessAt: target.lastSuccessAt } : fresh;
      if (!fresh.enabled) {
        enabled = false;
        break;
      }
      secrets = signingSecrets(td.config, fresh, td.deps.clock.now());
      buffer.push(...(await dueDeliveries(sql, webhookId, td.deps.clock.now(), [...inFlight], CLAIM_BATCH)));
      if (buffer.length === 0) {
        if (slots.size === 0) break;
        await Promise.race(slots);
        continue;
      }
    }
    const d = buffer.shift()!;
    const url = target!.url;
    const signWith = secrets;
    inFlight.add(d.id);
    const slot: Promise<void> = sendSigned(td.deps, url, signWith, d.messageId, d.body)
      .then((attempt) => settle({ d, attempt }))
      .catch((err: unknown) => void (failure ??= err))
      .finally(() => {
        inFlight.delete(d.id);
        slots.delete(slot);
      });
    slots.add(slot);
  }
  await Promise.all(slots);
  if (failure) throw failure;
  if (!enabled && target) {
    const accountId = target.accountId;
    const ids = await failDueDeliveries(sql, target, td.deps.clock.now(), DISABLED);
    stores.notices.publish(ids.map((deliveryId) => ({ deliveryId, webhookId, accountId })));
  }
}

/**
 * Queues what comes after a dispatch, once its lock is released: a dispatch now when deliveries are
 * due (they came after its last look, or it stopped for its time budget: the successor queues behind
 * the jobs waiting), else one at the earliest pending retry (keyed per webhook). Side effect: a job.
 */
async function scheduleNext(td: TaskDeps, webhookId: string): Promise<void> {
  const em = systemEm(td.orm);
  const at = await nextDueAt(em, webhookId);
  if (!at) return;
  const payload = { webhookId } satisfies DispatchJobPayload;
  if (at.getTime() <= td.deps.clock.now().getTime()) return kickDispatchers(em, td.deps.queue, [webhookId]);
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
 * earlier one that was due when its batch (CLAIM_BATCH) was read was started; with WEBHOOK_ENDPOINT_CONCURRENCY=1 none is started before the previous
 * one's outcome (success, failure, or its retry scheduled) is committed, so first attempts arrive
 * strictly in event order. A failed attempt is retried at its time on the schedule and does not hold
 * the later deliveries back: a retry can arrive after deliveries of later events. A crash re-sends
 * only the requests in flight (at most WEBHOOK_ENDPOINT_CONCURRENCY per webhook), with the same
 * `webhook-id`. Side effects: network, writes, jobs, system mail when a webhook is disabled.
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
