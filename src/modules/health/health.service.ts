import { Permission } from '../../auth/permissions';
import { rowScope, type RowScope } from '../../auth/scope';
import { type Context, requirePermission } from '../../context';
import type { Row } from '../../db/read-rows';
import { rollupByDimension, type RollupQuery } from '../analytics/analytics.queries';
import { BlocklistHit } from '../blocklist/blocklist-hit.entity';
import { DmarcMonitor } from '../dmarc/dmarc-monitor.entity';
import { monitorSummary } from '../dmarc/dmarc-report.service';
import type { Domain } from '../domains/domain.entity';
import { judgeHealth } from './health';
import { alignmentByMonitor } from './health.queries';
import type { DomainHealth, DomainHealthDmarc } from './health.types';

const DAY = 86400_000;
/** The most domains one rollup read asks for (its breakdown returns at most BREAKDOWN_LIMIT rows). */
const RATE_CHUNK = 500;

/** The permissions a health view needs: it combines domains, analytics, DMARC and blocklist data. */
export const HEALTH_PERMISSIONS = [Permission.DOMAINS_READ, Permission.ANALYTICS_READ, Permission.DMARC_READ, Permission.BLOCKLIST_READ] as const;

/** What a health view reads of the domain row. */
export type HealthDomain = Pick<Row<Domain>, 'id' | 'name' | 'dnsRecords'>;

interface Rates {
  sent: number;
  delivered: number;
  hardBounced: number;
  complaints: number;
}

/** Current blocklist hits per domain (linked to it, or of monitors watching its name), one statement per batch, scoped. */
function hitsLoader(ctx: Context) {
  return ctx.loader<string, BlocklistHit[]>('health:blocklist', async (keys) => {
    const domains = keys.map((k) => {
      const [id, name] = k.split(' ');
      return { id, name };
    });
    const hits = await ctx.em.find(
      BlocklistHit,
      { $or: [{ domain: { $in: domains.map((d) => d.id) } }, { monitor: { address: { $in: domains.map((d) => d.name) } } }] },
      { populate: ['monitor'], orderBy: { address: 'asc', zone: 'asc' } },
    );
    return domains.map((d) => hits.filter((h) => h.domain?.id === d.id || h.monitor.getEntity().address === d.name));
  });
}

/** DMARC monitor summaries per domain: monitors in one find, their 30-day alignment in one scoped statement. */
function dmarcLoader(ctx: Context, scope: RowScope) {
  return ctx.loader<string, DomainHealthDmarc | null>('health:dmarc', async (domainIds) => {
    const monitors = await ctx.em.find(DmarcMonitor, { domain: { $in: [...domainIds] } });
    const now = ctx.deps.clock.now();
    const totals = monitors.length
      ? await alignmentByMonitor(
          ctx.em,
          scope,
          monitors.map((m) => m.id),
          new Date(now.getTime() - 30 * DAY),
          now,
        )
      : new Map();
    return domainIds.map((id) => {
      const m = monitors.find((x) => x.domain.id === id);
      return m ? monitorSummary(m, totals.get(m.id) ?? { messages: 0, aligned: 0 }) : null;
    });
  });
}

/** 7-day sent, delivered, hard-bounce and complaint counts per domain from the analytics rollups, scoped in SQL, a few hundred domains a statement. */
function ratesLoader(ctx: Context, scope: RowScope) {
  return ctx.loader<string, Rates>('health:rates', async (domainIds) => {
    const now = ctx.deps.clock.now();
    const byDomain = new Map<string, Rates>();
    for (let i = 0; i < domainIds.length; i += RATE_CHUNK) {
      const ids = domainIds.slice(i, i + RATE_CHUNK);
      const f: RollupQuery = { from: new Date(now.getTime() - 7 * DAY), to: now, interval: 'DAY', timezone: 'UTC', tenantIds: null, domainIds: ids, identityIds: null, templateIds: null, tags: null };
      for (const r of await rollupByDimension(ctx.em, scope, null, f, 'domain', null)) {
        if (r.key) byDomain.set(r.key, { sent: r.counts.sent, delivered: r.counts.delivered, hardBounced: r.counts.hard_bounced, complaints: r.counts.spam_complaint });
      }
    }
    return domainIds.map((id) => byDomain.get(id) ?? { sent: 0, delivered: 0, hardBounced: 0, complaints: 0 });
  });
}

/**
 * The health of a domain in scope (DOMAINS_READ, ANALYTICS_READ, DMARC_READ and BLOCKLIST_READ): DNS
 * records, DMARC monitor, blocklist hits and 7-day rates, judged by judgeHealth. Batched per request
 * (a list of N domains costs a few statements, not N × 4); every read is scoped. Read-only.
 */
export async function domainHealth(ctx: Context, domain: HealthDomain): Promise<DomainHealth> {
  const scope = rowScope(requirePermission(ctx, ...HEALTH_PERMISSIONS));
  const [blocklist, dmarc, rates] = await Promise.all([hitsLoader(ctx).load(`${domain.id} ${domain.name}`), dmarcLoader(ctx, scope).load(domain.id), ratesLoader(ctx, scope).load(domain.id)]);
  const records = domain.dnsRecords ?? [];
  const verdict = judgeHealth({ records, dmarc, blocklist, ...rates });
  return {
    ...verdict,
    dns: records.map((r) => ({ kind: r.kind, required: r.required, status: r.status, problem: r.note ?? null })),
    dmarc,
    blocklist,
  };
}
