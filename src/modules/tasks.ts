import type { MikroORM } from '@mikro-orm/postgresql';
import type { TaskList } from 'graphile-worker';
import type { Config } from '../config';
import type { Deps } from '../context';
import { activityTasks } from './activity/activity.tasks';
import { domainTasks } from './domains/domain.tasks';
import { sendingTasks } from './sending/sending.tasks';

/** What job handlers are built with. */
export interface TaskDeps {
  orm: MikroORM;
  config: Config;
  deps: Deps;
}

/** Recurring jobs (graphile-worker crontab). */
export const CRONTAB = '0 3 * * * ensure-event-partitions';

/** The job handlers of every module. */
export function createTaskList(td: TaskDeps): TaskList {
  return { ...domainTasks(td), ...activityTasks(td), ...sendingTasks(td) };
}
