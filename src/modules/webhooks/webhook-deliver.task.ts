import type { EntityManager } from '@mikro-orm/postgresql';
import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import { Role } from '../../auth/permissions';
import { SystemEmailKind } from '../mail/system-email.entity';
import { sendSystemEmail } from '../mail/system-mail.service';
import { Membership, MemberStatus } from '../members/membership.entity';
import type { TaskDeps } from '../module';
import { attemptDelivery, isSuccess, publishDeliveryUpdated } from './webhook-attempt';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity';
import { DELIVER_TASK, type DeliverJobPayload, webhookQueueName } from './webhook-fanout';
import type { Webhook } from './webhook.entity';

/** Why a delivery of a disabled webhook was not sent. */
const DISABLED = 'The webhook is disabled';

function validPayload(p: unknown): p is DeliverJobPayload {
  const x = p as DeliverJobPayload | null;
  return typeof x?.deliveryId === 'string' && isUuid(x.deliveryId) && Number.isInteger(x.attempt) && x.attempt >= 1;
}

/** Mails the account's active admins that the platform disabled a webhook. Side effects: mail, writes. */
async function tellAdmins(em: EntityManager, td: TaskDeps, webhook: Webhook): Promise<void> {
  const admins = await em.find(Membership, { account: webhook.account.id, role: Role.ADMIN, status: MemberStatus.ACTIVE }, { populate: ['user'] });
  const text = `Mailroom disabled the webhook "${webhook.name}" (${webhook.url}).\n\nReason: ${webhook.disabledReason}\n\nFix the endpoint, then enable the webhook again with updateWebhook; replayWebhookEvents re-sends what it missed.`;
  for (const m of admins) {
    await sendSystemEmail(em, td.deps, td.config, { accountId: webhook.account.id, kind: SystemEmailKind.WEBHOOK_DISABLED, to: m.user.getEntity().email, subject: `Webhook disabled: ${webhook.name}`, text, secrets: [] });
  }
}

/**
 * Counts a failed attempt against the webhook; disables it when it has failed every attempt for
 * `webhookDisableAfterHours` and at least `webhookDisableAfterFailures` times in a row (whichever is
 * later), or at once on `410 Gone`. Returns whether it was disabled now.
 */
function countFailure(td: TaskDeps, webhook: Webhook, status: number | null, now: Date): boolean {
  webhook.consecutiveFailures += 1;
  webhook.failingSince ??= now;
  if (!webhook.enabled) return false;
  if (status === 410) {
    webhook.disable('The endpoint answered 410 Gone');
    return true;
  }
  const failingMs = now.getTime() - webhook.failingSince.getTime();
  if (webhook.consecutiveFailures >= td.config.webhookDisableAfterFailures && failingMs >= td.config.webhookDisableAfterHours * 3600_000) {
    webhook.disable(`Every delivery failed for ${Math.floor(failingMs / 3600_000)} hours (${webhook.consecutiveFailures} attempts in a row)`);
    return true;
  }
  return false;
}

/**
 * The `webhook-deliver` job: one attempt of one delivery. A job whose attempt was already made (a
 * re-run after a crash that happened after the commit) or whose delivery is no longer PENDING does
 * nothing; one that crashed mid-request runs again with the same `webhook-id`. A 2xx succeeds; 410
 * disables the webhook; anything else schedules the next attempt by the retry schedule (a new job on
 * the webhook's queue, in the same transaction as the outcome) or, past its end, fails. Side effects:
 * network, writes, jobs, system mail when a webhook is disabled, a bus NOTIFY on commit.
 */
export async function runDeliverJob(td: TaskDeps, payload: unknown): Promise<void> {
  if (!validPayload(payload)) return td.deps.logger.warn({ payload }, 'webhook-deliver job with an invalid payload');
  const em = systemEm(td.orm);
  const delivery = await em.findOne(WebhookDelivery, { id: payload.deliveryId }, { populate: ['webhook', 'webhook.secretEncrypted', 'webhook.previousSecretEncrypted'] });
  if (!delivery || delivery.status !== WebhookDeliveryStatus.PENDING || delivery.attempts + 1 !== payload.attempt) return;
  const webhook = delivery.webhook.getEntity();
  if (!webhook.enabled) {
    delivery.status = WebhookDeliveryStatus.FAILED;
    delivery.nextAttemptAt = null;
    delivery.error = DISABLED;
    return em.transactional(async (tx) => publishDeliveryUpdated(tx, delivery));
  }
  const result = await attemptDelivery(td.config, td.deps, webhook, delivery);
  const now = td.deps.clock.now();
  await em.transactional(async (tx) => {
    let disabledNow = false;
    if (isSuccess(result)) {
      delivery.status = WebhookDeliveryStatus.SUCCEEDED;
      delivery.nextAttemptAt = null;
      webhook.consecutiveFailures = 0;
      webhook.failingSince = null;
      webhook.lastSuccessAt = now;
    } else {
      disabledNow = countFailure(td, webhook, result.status, now);
      const schedule = td.config.webhookRetryScheduleSeconds;
      const step = delivery.scheduleStep + 1;
      if (result.status !== 410 && webhook.enabled && step < schedule.length) {
        delivery.scheduleStep = step;
        delivery.nextAttemptAt = new Date(now.getTime() + schedule[step] * 1000);
        await td.deps.queue.add(tx, DELIVER_TASK, { deliveryId: delivery.id, attempt: delivery.attempts + 1 } satisfies DeliverJobPayload, { runAt: delivery.nextAttemptAt, queueName: webhookQueueName(webhook.id), maxAttempts: 3 });
      } else {
        delivery.status = WebhookDeliveryStatus.FAILED;
        delivery.nextAttemptAt = null;
      }
    }
    await tx.flush();
    if (disabledNow) await tellAdmins(tx, td, webhook);
    await publishDeliveryUpdated(tx, delivery);
  });
}
