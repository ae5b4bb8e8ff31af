import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../auth/permissions';
import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import { SystemEmailKind } from '../mail/system-email.entity';
import { sendSystemEmail } from '../mail/system-mail.service';
import { Membership, MemberStatus } from '../members/membership.entity';
import type { TaskDeps } from '../module';
import type { EndpointLimiter } from './endpoint-limiter';
import { type Attempt, isSuccess, sendAttempt } from './webhook-attempt';
import { WebhookDeliveryStatus } from './webhook-delivery.entity';
import { type DeliveryForAttempt, deliveryForAttempt, disableWebhook, recordWebhookFailure, storeOutcome } from './webhook-delivery.queries';
import { DELIVER_TASK, type DeliverJobPayload } from './webhook-fanout';

/** Why a delivery of a disabled webhook was not sent. */
const DISABLED = 'The webhook is disabled';

/** How long a job turned away by the endpoint limiter waits before it is tried again. */
const BUSY_RETRY_MS = 1000;

/** How stale `lastSuccessAt` may get before a success writes the webhook row again. */
const SUCCESS_STAMP_MS = 60_000;

function validPayload(p: unknown): p is DeliverJobPayload {
  const x = p as DeliverJobPayload | null;
  return typeof x?.deliveryId === 'string' && isUuid(x.deliveryId) && Number.isInteger(x.attempt) && x.attempt >= 1;
}

/** Mails the account's active admins that the platform disabled a webhook. Side effects: mail, writes. */
async function tellAdmins(em: EntityManager, td: TaskDeps, d: DeliveryForAttempt, reason: string): Promise<void> {
  const admins = await em.find(Membership, { account: d.accountId, role: Role.ADMIN, status: MemberStatus.ACTIVE }, { populate: ['user'] });
  const text = `Mailroom disabled the webhook "${d.webhook.name}" (${d.webhook.url}).\n\nReason: ${reason}\n\nFix the endpoint, then enable the webhook again with updateWebhook; replayWebhookEvents re-sends what it missed.`;
  for (const m of admins) {
    await sendSystemEmail(em, td.deps, td.config, {
      accountId: d.accountId,
      kind: SystemEmailKind.WEBHOOK_DISABLED,
      to: m.user.getEntity().email,
      subject: `Webhook disabled: ${d.webhook.name}`,
      text,
      secrets: [],
    });
  }
}

/**
 * Counts a failed attempt against the webhook and disables it when it has failed every attempt for
 * WEBHOOK_DISABLE_AFTER_HOURS and at least WEBHOOK_DISABLE_AFTER_FAILURES times in a row (whichever is
 * later), or at once on `410 Gone`; the admins are mailed when it is disabled. The streak is counted
 * up to the threshold only: past it the webhook row is not written again until it is disabled, so a
 * failing endpoint's jobs do not queue up on one row lock. Returns whether it is still enabled.
 */
async function countFailure(tx: EntityManager, td: TaskDeps, d: DeliveryForAttempt, status: number | null, at: Date): Promise<boolean> {
  const threshold = td.config.webhookDisableAfterFailures;
  const known = d.webhook.failingSince && d.webhook.consecutiveFailures >= threshold ? { failures: threshold, failingSince: d.webhook.failingSince, enabled: true } : null;
  const streak = status === 410 ? { failures: 1, failingSince: at, enabled: true } : (known ?? (await recordWebhookFailure(tx, d.webhookId, at)));
  if (!streak?.enabled) return false;
  const failingMs = at.getTime() - streak.failingSince.getTime();
  const reason =
    status === 410
      ? 'The endpoint answered 410 Gone'
      : streak.failures >= threshold && failingMs >= td.config.webhookDisableAfterHours * 3600_000
        ? `Every delivery failed for ${Math.floor(failingMs / 3600_000)} hours (at least ${streak.failures} attempts in a row)`
        : null;
  if (!reason) return true;
  if (await disableWebhook(tx, d.webhookId, reason)) await tellAdmins(tx, td, d, reason);
  return false;
}

/** Stores an attempt's outcome: success (one statement), the next attempt by the retry schedule (a new job), or failure. */
async function settle(td: TaskDeps, d: DeliveryForAttempt, attempt: Attempt): Promise<void> {
  const em = systemEm(td.orm);
  if (isSuccess(attempt.result)) {
    const w = d.webhook;
    const stampSuccess = w.consecutiveFailures !== 0 || !w.lastSuccessAt || attempt.at.getTime() - w.lastSuccessAt.getTime() > SUCCESS_STAMP_MS;
    return storeOutcome(em, d, { status: WebhookDeliveryStatus.SUCCEEDED, scheduleStep: d.scheduleStep, nextAttemptAt: null, attempt, stampSuccess });
  }
  await em.transactional(async (tx) => {
    const enabled = await countFailure(tx, td, d, attempt.result.status, attempt.at);
    const schedule = td.config.webhookRetryScheduleSeconds;
    const step = d.scheduleStep + 1;
    if (!enabled || step >= schedule.length) return storeOutcome(tx, d, { status: WebhookDeliveryStatus.FAILED, scheduleStep: d.scheduleStep, nextAttemptAt: null, attempt });
    const nextAttemptAt = new Date(attempt.at.getTime() + schedule[step] * 1000);
    await td.deps.queue.add(tx, DELIVER_TASK, { deliveryId: d.id, attempt: d.attempts + 2 } satisfies DeliverJobPayload, { runAt: nextAttemptAt, maxAttempts: 3 });
    await storeOutcome(tx, d, { status: WebhookDeliveryStatus.PENDING, scheduleStep: step, nextAttemptAt, attempt });
  });
}

/**
 * The `webhook-deliver` job: one attempt of one delivery. A job whose attempt was already made (a
 * re-run after a crash that happened after the commit) or whose delivery is no longer PENDING does
 * nothing; one that crashed mid-request runs again with the same `webhook-id`. At most
 * WEBHOOK_ENDPOINT_CONCURRENCY requests per webhook are in flight in this process (in job order; a job
 * that finds as many already waiting is put back for a second). A 2xx succeeds; 410 disables the
 * webhook; anything else schedules the next attempt by the retry schedule (a new job, in the same
 * transaction as the outcome) or, past its end, fails. Raw SQL on the hot path (a few statements per
 * delivery). Side effects: network, writes, jobs, system mail when a webhook is disabled, a bus NOTIFY on commit.
 */
export async function runDeliverJob(td: TaskDeps, limiter: EndpointLimiter, payload: unknown): Promise<void> {
  if (!validPayload(payload)) return td.deps.logger.warn({ payload }, 'webhook-deliver job with an invalid payload');
  const em = systemEm(td.orm);
  const d = await deliveryForAttempt(em, payload.deliveryId);
  if (!d || d.status !== WebhookDeliveryStatus.PENDING || d.attempts + 1 !== payload.attempt) return;
  if (!d.webhook.enabled) return storeOutcome(em, d, { status: WebhookDeliveryStatus.FAILED, scheduleStep: d.scheduleStep, nextAttemptAt: null, attempt: null, error: DISABLED });
  const attempt = await limiter.run(d.webhookId, () => sendAttempt(td.config, td.deps, d.webhook, d.messageId, d.body));
  if (!attempt) return td.deps.queue.add(em, DELIVER_TASK, payload, { runAt: new Date(Date.now() + BUSY_RETRY_MS), maxAttempts: 3 });
  await settle(td, d, attempt);
}
