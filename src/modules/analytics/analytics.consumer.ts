import type { EventConsumer } from '../../events/consumers';
import type { ActivityEventType } from '../../events/event-type';
import type { TaskDeps } from '../module';
import { templatesOfMessages, upsertEngagement, upsertHourly } from './analytics.queries';
import { aggregate, COUNTED } from './rollup';

/**
 * The `analytics-rollups` consumer: adds every counted event (see rollup.ts) to the hourly rollups —
 * aggregated in memory, then one insert … on conflict per table — in the batch's transaction, so each
 * event is counted exactly once whatever crashes. The message's template is read in one query per batch.
 * It starts from the first event (startAfter 0), so a new installation rolls up the history it has.
 */
export const analyticsConsumer: EventConsumer<TaskDeps> = {
  name: 'analytics-rollups',
  startAfter: '0',
  batchSize: 5000,
  types: Object.keys(COUNTED) as ActivityEventType[],
  async handle(em, events) {
    const templates = await templatesOfMessages(em, [...new Set(events.map((e) => e.messageId))]);
    const { hourly, engagement } = aggregate(events, templates);
    await upsertHourly(em, hourly);
    await upsertEngagement(em, engagement);
  },
};
