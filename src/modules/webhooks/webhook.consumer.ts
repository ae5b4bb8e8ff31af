import type { StreamConsumer } from '../../events/consumers';
import type { TaskDeps } from '../module';
import { enabledWebhooks, fanOut } from './webhook-fanout';

/**
 * The webhooks' durable event consumer: for each batch of the commit-ordered stream (activity and
 * platform events), finds the enabled webhooks of the batch's accounts that receive each event (type
 * and scope, see webhookReceives) and writes a PENDING delivery per (event, webhook) and a dispatch job
 * per webhook concerned in the batch's transaction — so a crash before the commit queues nothing and
 * the batch runs again, and no event is queued twice. The HTTP requests are the dispatchers'
 * (webhook-dispatch, one per webhook at a time, in event order).
 */
export const webhookConsumer: StreamConsumer<TaskDeps> = {
  name: 'webhooks',
  platformEvents: true,
  batchSize: 500,
  async handle(em, events, td) {
    const webhooks = await enabledWebhooks(em, [...new Set(events.map((e) => e.accountId))]);
    if (webhooks.length) await fanOut(em, td.config, td.deps.queue, events, webhooks, td.deps.clock.now());
  },
};
