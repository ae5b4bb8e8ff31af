import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { fromGlobalId } from '../../graphql/global-id';
import { type Page, type PageArgs, paginate } from '../../graphql/pagination';
import { loadDomain } from '../domains/domain.service';
import { BlocklistCheck } from './blocklist-check.entity';
import { BlocklistCheckProgress } from './blocklist-check.types';
import { BlocklistHit } from './blocklist-hit.entity';
import type { BlocklistMonitor } from './blocklist-monitor.entity';

/** A monitor's current hits, batched per request through the scoped entity manager, in address and zone order. */
export function monitorHits(ctx: Context, monitorId: string): Promise<BlocklistHit[]> {
  return ctx
    .loader<string, BlocklistHit[]>('blocklist-hits', async (ids) => {
      const rows = await ctx.em.find(BlocklistHit, { monitor: { $in: [...ids] } }, { orderBy: { address: 'asc', zone: 'asc' } });
      return ids.map((id) => rows.filter((h) => h.monitor.id === id));
    })
    .load(monitorId);
}

/** A page of a monitor's checks, oldest first (the scope filter applies). */
export function monitorChecks(ctx: Context, monitorId: string, args: PageArgs): Promise<Page<BlocklistCheck>> {
  return paginate(ctx.em, BlocklistCheck, { monitor: monitorId }, args);
}

/** The running check's progress, or null when none runs. Pure. */
export function monitorProgress(m: BlocklistMonitor): BlocklistCheckProgress | null {
  if (!m.checkStartedAt) return null;
  return { startedAt: m.checkStartedAt, lookupsDone: m.progressDone, lookupsTotal: m.progressTotal };
}

/**
 * The current blocklist hits of a sending domain in the caller's scope (BLOCKLIST_READ; the domain must
 * be in scope: NOT_FOUND otherwise): the hits of monitors linked to the domain or watching its name —
 * account-owned monitors only for account-wide principals. For Domain health.
 */
export async function domainBlocklistHits(ctx: Context, domainGid: string): Promise<BlocklistHit[]> {
  requirePermission(ctx, Permission.BLOCKLIST_READ);
  const domain = await loadDomain(ctx, domainGid, 'domainId');
  return ctx.em.find(BlocklistHit, { $or: [{ domain: domain.id }, { monitor: { address: domain.name } }] }, { orderBy: { address: 'asc', zone: 'asc' } });
}

/** The current blocklist hits of every monitor of a tenant in the caller's scope (BLOCKLIST_READ). For tenant health views. */
export async function tenantBlocklistHits(ctx: Context, tenantGid: string): Promise<BlocklistHit[]> {
  requirePermission(ctx, Permission.BLOCKLIST_READ);
  return ctx.em.find(BlocklistHit, { tenant: fromGlobalId(tenantGid, 'Tenant', 'tenantId') }, { orderBy: { address: 'asc', zone: 'asc' } });
}
