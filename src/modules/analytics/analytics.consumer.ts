import type { RangeConsumer } from '../../events/consumers';
import type { TaskDeps } from '../module';
import { rollUpRange } from './rollup-writes.queries';

/**
 * The `analytics-rollups` consumer: adds every counted event (see rollup.ts) to the hourly rollups, a
 * range of the stream at a time, aggregated by PostgreSQL in one statement (rollUpRange) in the batch's
 * transaction — so each event is counted exactly once whatever crashes, and no event row is read into
 * the process. It starts from the first event (startAfter 0), so a new installation rolls up the
 * history it has.
 */
export const analyticsConsumer: RangeConsumer<TaskDeps> = {
  name: 'analytics-rollups',
  startAfter: '0',
  batchSize: 5000,
  range: true,
  async handleRange(em, range) {
    await rollUpRange(em, range.afterId, range.upTo);
  },
};
