import { defineModule } from '../module';
import { retentionTasks } from './retention.tasks';

/** Retention: the daily job that clears old content and deletes old events and messages, per tenant. */
export const retentionModule = defineModule({
  name: 'retention',
  tasks: retentionTasks,
  // After the partitions are prepared (03:00): one run a day; a missed day is caught up by the next.
  crontab: ['30 3 * * * apply-retention'],
});
