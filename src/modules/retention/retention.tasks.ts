import type { TaskList } from 'graphile-worker';
import { systemEm } from '../../context';
import type { TaskDeps } from '../module';
import { applyRetention } from './apply-retention';

/** Job handlers of the retention module: the daily run that deletes what is past each tenant's retention. */
export function retentionTasks({ orm, deps }: TaskDeps): TaskList {
  return {
    'apply-retention': async () => {
      await applyRetention(systemEm(orm), deps.clock.now(), deps.logger);
    },
  };
}
