import type { TaskList } from 'graphile-worker';
import { systemEm } from '../../context';
import type { TaskDeps } from '../module';
import { applyRequestLogRetention } from './request-log-retention';
import { ensureRequestLogPartitions } from './request-logs.queries';

/** Task names of the request log jobs. */
export const REQUEST_LOG_TASKS = { partitions: 'ensure-request-log-partitions', retention: 'apply-request-log-retention' } as const;

/** Job handlers of the request logs: daily partitions created ahead, and the retention that drops old days. */
export function requestLogTasks({ orm, config, deps }: TaskDeps): TaskList {
  return {
    [REQUEST_LOG_TASKS.partitions]: async () => {
      await ensureRequestLogPartitions(systemEm(orm), 7);
    },
    [REQUEST_LOG_TASKS.retention]: async () => {
      await applyRequestLogRetention(systemEm(orm), deps.clock.now(), config.requestLogRetentionDays, deps.logger);
    },
  };
}
