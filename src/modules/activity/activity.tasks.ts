import type { TaskList } from 'graphile-worker';
import { systemEm } from '../../context';
import type { TaskDeps } from '../module';
import { ensureEventPartitions } from '../../events/events.queries';

/** Job handlers of the activity module: the daily creation of event partitions ahead of time. */
export function activityTasks({ orm }: TaskDeps): TaskList {
  return {
    'ensure-event-partitions': async () => {
      await ensureEventPartitions(systemEm(orm));
    },
  };
}
