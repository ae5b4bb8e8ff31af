import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventConsumer } from '../../events/consumers';
import type { ActivityEventType } from '../../events/event-type';
import type { TaskDeps } from '../module';
import { templatesOfMessages, upsertAccountHourly, upsertEngagement, upsertHourly } from './rollup-writes.queries';
import { aggregate, COUNTED } from './rollup';

/** Messages' templates seen lately (a message's template never changes, so a hit is always right). */
const TEMPLATE_CACHE_SIZE = 200_000;
const templateCache = new Map<string, string | null>();

/** The template of each message of the batch: from the cache, the rest in one query. */
async function templatesOf(em: EntityManager, messageIds: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const missing: string[] = [];
  for (const id of messageIds) {
    if (templateCache.has(id)) out.set(id, templateCache.get(id)!);
    else missing.push(id);
  }
  for (const [id, template] of await templatesOfMessages(em, missing)) {
    out.set(id, template);
    if (templateCache.size >= TEMPLATE_CACHE_SIZE) templateCache.delete(templateCache.keys().next().value!);
    templateCache.set(id, template);
  }
  return out;
}

/**
 * The `analytics-rollups` consumer: adds every counted event (see rollup.ts) to the hourly rollups —
 * aggregated in memory, then one insert … on conflict per table — in the batch's transaction, so each
 * event is counted exactly once whatever crashes. Messages' templates come from a bounded in-process
 * cache, the rest in one query per batch. It starts from the first event (startAfter 0), so a new
 * installation rolls up the history it has.
 */
export const analyticsConsumer: EventConsumer<TaskDeps> = {
  name: 'analytics-rollups',
  startAfter: '0',
  batchSize: 5000,
  types: Object.keys(COUNTED) as ActivityEventType[],
  async handle(em, events) {
    const templates = await templatesOf(em, [...new Set(events.map((e) => e.messageId))]);
    const { hourly, engagement, account } = aggregate(events, templates);
    await upsertHourly(em, hourly);
    await upsertAccountHourly(em, account);
    await upsertEngagement(em, engagement);
  },
};
