import type { TaskList } from 'graphile-worker';
import type { Principal } from '../../auth/principal';
import { createContext, systemEm } from '../../context';
import { Domain } from '../domains/domain.entity';
import type { TaskDeps } from '../module';
import { domainsAfter, type JudgedStatus, storeStatuses } from './health-state.queries';
import { publishHealthChanges } from './health-events';
import { domainHealth, HEALTH_PERMISSIONS } from './health.service';

/** Judges the health of some domains again (payload `{ domainIds }`). */
export const HEALTH_RECOMPUTE_TASK = 'domain-health-recompute';
/** The hourly job that judges every domain again (rates move as the 7-day window slides; listings and records change without events). */
export const HEALTH_SWEEP_TASK = 'domain-health-sweep';
const PAGE = 200;

/** The account-wide principal a job judges an account's domains as (the stored status is the account's view). */
function accountJudge(accountId: string): Principal {
  const scope = {
    accountId,
    allDomains: true,
    tenantIds: [],
    domainIds: [],
    identityIds: [],
    readableTenantIds: [],
    permissions: [...HEALTH_PERMISSIONS],
    templateIds: null,
    membershipId: null,
    principalKey: 'system:domain-health',
  };
  return { kind: 'API_TOKEN', tokenId: 'system:domain-health', scope, label: 'domain health' };
}

/**
 * Judges the health of `domainIds` (of any accounts) as each account sees it, stores each status and, in
 * the same transaction, publishes domainHealthChanged for those whose status changed (delivered on
 * commit). Returns the changes. Side effects: writes, NOTIFY on commit.
 */
export async function recomputeHealth(td: TaskDeps, domainIds: readonly string[]): Promise<{ domainId: string; status: string }[]> {
  const domains = await systemEm(td.orm).find(Domain, { id: { $in: [...domainIds] } }, { fields: ['id', 'account', 'tenant'] });
  const byAccount = new Map<string, string[]>();
  for (const d of domains) byAccount.set(d.account.id, [...(byAccount.get(d.account.id) ?? []), d.id]);
  const judged: JudgedStatus[] = [];
  for (const [accountId, ids] of byAccount) {
    const ctx = createContext(td.orm, td.config, td.deps, accountJudge(accountId), `health:${accountId}`);
    const rows = await ctx.em.find(Domain, { id: { $in: ids } });
    const healths = await Promise.all(rows.map((d) => domainHealth(ctx, d)));
    rows.forEach((d, i) => judged.push({ domainId: d.id, accountId, tenantId: d.tenant?.id ?? null, status: healths[i].status }));
  }
  return systemEm(td.orm).transactional(async (em) => {
    const changed = await storeStatuses(em, judged, td.deps.clock.now());
    await publishHealthChanges(
      em,
      changed.map((c) => ({ domainId: c.domainId, accountId: c.accountId, previous: c.previous })),
    );
    return changed.map((c) => ({ domainId: c.domainId, status: c.status }));
  });
}

/** Judges every domain again, a page at a time. Returns how many were judged. */
export async function sweepHealth(td: TaskDeps): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let n = 0;
  for (;;) {
    const ids = await domainsAfter(systemEm(td.orm), after, PAGE);
    if (ids.length === 0) return n;
    await recomputeHealth(td, ids);
    n += ids.length;
    after = ids.at(-1)!;
  }
}

function isPayload(p: unknown): p is { domainIds: string[] } {
  return typeof p === 'object' && p !== null && Array.isArray((p as { domainIds?: unknown }).domainIds) && (p as { domainIds: unknown[] }).domainIds.every((x) => typeof x === 'string');
}

/** Job handlers of the health module. */
export function healthTasks(td: TaskDeps): TaskList {
  return {
    [HEALTH_RECOMPUTE_TASK]: async (payload) => {
      if (!isPayload(payload)) throw new Error(`${HEALTH_RECOMPUTE_TASK}: payload must be { domainIds: string[] }`);
      await recomputeHealth(td, payload.domainIds);
    },
    [HEALTH_SWEEP_TASK]: async () => {
      const n = await sweepHealth(td);
      td.deps.logger.info({ domains: n }, 'Domain health judged');
    },
  };
}
