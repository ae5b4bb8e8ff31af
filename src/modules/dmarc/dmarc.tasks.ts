import type { TaskList } from 'graphile-worker';
import { systemEm } from '../../context';
import type { TaskDeps } from '../module';
import { DmarcMonitor } from './dmarc-monitor.entity';
import { checkMonitorRecord } from './dmarc-record';

/** The daily job that re-checks every monitor's published DMARC record. */
export const DMARC_RECHECK_TASK = 'dmarc-record-checks';
const PAGE = 100;
const CONCURRENCY = 5;

/**
 * Re-checks the DMARC record of every monitor (of all accounts, or of `accountId` only), a page at a
 * time with a few lookups in parallel, storing each outcome on the monitor and on its domain's DMARC
 * entry. Returns how many were checked. A failed lookup keeps the last answer (see
 * DmarcMonitor.applyCheck). Side effects: DNS, writes.
 */
export async function runDmarcRecordChecks(td: TaskDeps, accountId?: string): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let checked = 0;
  for (;;) {
    const em = systemEm(td.orm);
    const where = accountId ? { id: { $gt: after }, account: accountId } : { id: { $gt: after } };
    const monitors = await em.find(DmarcMonitor, where, { orderBy: { id: 'asc' }, limit: PAGE, populate: ['domain'] });
    if (monitors.length === 0) return checked;
    const todo = [...monitors];
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      for (let m = todo.shift(); m; m = todo.shift()) await checkMonitorRecord(em, td.deps.dns, td.config.mailDomain, td.deps.clock.now(), m, m.domain.getEntity());
    });
    await Promise.all(workers);
    await em.flush();
    checked += monitors.length;
    after = monitors.at(-1)!.id;
  }
}

/** Job handlers of the dmarc module. */
export function dmarcTasks(td: TaskDeps): TaskList {
  return {
    [DMARC_RECHECK_TASK]: async () => {
      const n = await runDmarcRecordChecks(td);
      td.deps.logger.info({ monitors: n }, 'DMARC records re-checked');
    },
  };
}
