import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import type { TaskDeps } from '../module';
import { fanOut, targetOf } from './webhook-fanout';
import { WebhookReplay, WebhookReplayStatus } from './webhook-replay.entity';
import { accountEventsBetween, deleteDeliveriesBefore } from './webhooks.queries';

/** The job that works through a replay. */
export const REPLAY_TASK = 'webhook-replay';

/** The daily job that removes old delivery records. */
export const RETENTION_TASK = 'webhook-retention';

/** Events looked at per replay chunk (one transaction each, with the progress). */
const REPLAY_CHUNK = 500;

/**
 * The `webhook-replay` job: walks the account's events of the period in id order, chunk by chunk,
 * and queues a delivery for each one the webhook receives (type and scope) — writing the deliveries,
 * their jobs and the progress in one transaction per chunk, so a re-run after a crash resumes after the
 * last committed chunk and queues nothing twice. Side effects: writes deliveries, jobs, progress.
 */
export async function runReplayJob(td: TaskDeps, payload: unknown): Promise<void> {
  const replayId = (payload as { replayId?: unknown } | null)?.replayId;
  if (typeof replayId !== 'string' || !isUuid(replayId)) return td.deps.logger.warn({ payload }, 'webhook-replay job with an invalid payload');
  for (;;) {
    const done = await systemEm(td.orm).transactional(async (em) => {
      const replay = await em.findOne(WebhookReplay, { id: replayId }, { populate: ['webhook'] });
      if (!replay || replay.status === WebhookReplayStatus.COMPLETED) return true;
      const events = await accountEventsBetween(em, replay.account.id, replay.from, replay.to, replay.afterEventId, REPLAY_CHUNK);
      const webhook = replay.webhook.getEntity();
      replay.queued += await fanOut(em, td.config, td.deps.queue, events, [targetOf(webhook)], td.deps.clock.now());
      replay.processed += events.length;
      if (events.length) replay.afterEventId = events.at(-1)!.id;
      replay.status = events.length < REPLAY_CHUNK ? WebhookReplayStatus.COMPLETED : WebhookReplayStatus.PROCESSING;
      return replay.status === WebhookReplayStatus.COMPLETED;
    });
    if (done) return;
  }
}

/** The `webhook-retention` job: removes delivery records older than WEBHOOK_RETENTION_DAYS, in batches. Side effect: deletes. */
export async function runRetentionJob(td: TaskDeps): Promise<number> {
  const before = new Date(td.deps.clock.now().getTime() - td.config.webhookRetentionDays * 86400_000);
  let total = 0;
  for (let n = -1; n !== 0; total += n) n = await deleteDeliveriesBefore(systemEm(td.orm), before, 5000);
  return total;
}
