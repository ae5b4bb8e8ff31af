import { defineModule } from '../module';
import { RequestLogResolver } from './request-logs.resolver';
import { REQUEST_LOG_TASKS, requestLogTasks } from './request-logs.tasks';

/** Request logs: every GraphQL operation recorded (by the per-process writer), read, streamed, and kept for a retention. */
export const logsModule = defineModule({
  name: 'logs',
  resolvers: [RequestLogResolver],
  tasks: requestLogTasks,
  crontab: [`0 3 * * * ${REQUEST_LOG_TASKS.partitions}`, `40 3 * * * ${REQUEST_LOG_TASKS.retention}`],
});
