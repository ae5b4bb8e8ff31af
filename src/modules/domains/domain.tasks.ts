import type { TaskList } from 'graphile-worker';
import type { TaskDeps } from '../module';
import { runDomainRecheck } from './domain-check.service';
import { DOMAIN_RECHECK_TASK } from './domain.service';

/** The domains module's job handlers: the automatic DNS re-check of pending domains. */
export function domainTasks(td: TaskDeps): TaskList {
  return {
    [DOMAIN_RECHECK_TASK]: async (payload) => {
      await runDomainRecheck(td, payload);
    },
  };
}
