import type { StreamConsumer } from '../../events/consumers';
import { ActivityEventType } from '../../events/event-type';
import { isPlatformEvent } from '../../events/platform-events.queries';
import type { TaskDeps } from '../module';
import { HEALTH_RECOMPUTE_TASK } from './health.tasks';

/** How long after an event its domain is judged again: the analytics rollups (another consumer) catch up meanwhile, and a burst becomes one job. */
export const HEALTH_RECOMPUTE_DELAY_MS = 10_000;

/**
 * The `domain-health` consumer: for each batch of the stream, queues one keyed recompute job per domain
 * the batch touched — a send, a delivery, a hard bounce or a complaint (the rates), a domain status change
 * (DNS), a blocklist listing or delisting, a DMARC report — in the batch's transaction, so a crash queues
 * nothing and the batch runs again. A queued job of the same domain keeps its time (a burst is one job).
 */
export const healthConsumer: StreamConsumer<TaskDeps> = {
  name: 'domain-health',
  platformEvents: true,
  types: [ActivityEventType.SENT, ActivityEventType.DELIVERED, ActivityEventType.HARD_BOUNCED, ActivityEventType.SPAM_COMPLAINT],
  batchSize: 1000,
  async handle(em, events, td) {
    const PLATFORM = new Set(['DOMAIN_STATUS_CHANGED', 'BLOCKLIST_LISTED', 'BLOCKLIST_DELISTED', 'DMARC_REPORT_RECEIVED']);
    const ids = new Set<string>();
    for (const e of events) {
      if (isPlatformEvent(e) && !PLATFORM.has(e.type)) continue;
      if (e.domainId) ids.add(e.domainId);
    }
    if (ids.size === 0) return;
    const runAt = new Date(td.deps.clock.now().getTime() + HEALTH_RECOMPUTE_DELAY_MS);
    await td.deps.queue.addMany(
      em,
      [...ids].map((id) => ({ task: HEALTH_RECOMPUTE_TASK, payload: { domainIds: [id] }, opts: { runAt, jobKey: `domain-health:${id}`, jobKeyMode: 'preserve_run_at' as const } })),
    );
  },
};
