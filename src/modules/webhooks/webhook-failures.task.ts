import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../auth/permissions';
import { systemEm } from '../../context';
import { SystemEmailKind } from '../mail/system-email.entity';
import { sendSystemEmail } from '../mail/system-mail.service';
import { Membership, MemberStatus } from '../members/membership.entity';
import type { TaskDeps } from '../module';
import { isSuccess } from './webhook-attempt';
import type { Answered } from './webhook-dispatch-stores.task';
import { WebhookDeliveryStatus } from './webhook-delivery.entity';
import { type DeliveryOutcome, type DispatchTarget, disableWebhook, recordWebhookFailures, type Sql, storeOutcomes, withBindParams } from './webhook-delivery.queries';

/*
 * What a dispatcher does with a webhook's failed attempts: the streak, the retry schedule, the disabling
 * and the admins' mail (the successes go to the process's group commit, webhook-dispatch-stores.task.ts).
 */

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

/** The outcome of an answered attempt: success, the next attempt on the retry schedule, or FAILED past its end (or when the webhook is disabled). */
function outcomeOf(td: TaskDeps, g: Answered, enabled: boolean): DeliveryOutcome {
  if (isSuccess(g.attempt.result)) return { id: g.d.id, status: WebhookDeliveryStatus.SUCCEEDED, scheduleStep: g.d.scheduleStep, nextAttemptAt: null, attempt: g.attempt };
  const schedule = td.config.webhookRetryScheduleSeconds;
  const step = g.d.scheduleStep + 1;
  if (!enabled || step >= schedule.length) return { id: g.d.id, status: WebhookDeliveryStatus.FAILED, scheduleStep: g.d.scheduleStep, nextAttemptAt: null, attempt: g.attempt };
  return { id: g.d.id, status: WebhookDeliveryStatus.PENDING, scheduleStep: step, nextAttemptAt: new Date(g.attempt.at.getTime() + schedule[step] * 1000), attempt: g.attempt };
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
export async function settleFailures(td: TaskDeps, sql: Sql, w: DispatchTarget, group: readonly Answered[]): Promise<boolean> {
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
    await storeOutcomes(withBindParams(tx), outcomes(enabled), []);
    return enabled;
  });
}
