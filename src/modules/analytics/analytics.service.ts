import { Permission } from '../../auth/permissions';
import { rowScope, type RowScope, type Scope } from '../../auth/scope';
import { type Context, requirePermission } from '../../context';
import { toGlobalId } from '../../graphql/global-id';
import { Analytics } from './analytics';
import { checkRange, checkTimezone, type FilterIds } from './analytics.inputs';
import { type Counts, type Interval, type RollupDimension, rollupByDimension, rollupReaders, rollupSeries, timezoneNames } from './analytics.queries';
import { AnalyticsCounts, type AnalyticsEngagement, AnalyticsIdCounts, AnalyticsPoint, AnalyticsShare, AnalyticsTagCounts, ENGAGEMENT_EVENT } from './analytics.types';
import { COUNT_COLUMNS, type EngagementDimension } from './rollup';

let zones: Promise<Set<string>> | null = null;

/** The timezone names PostgreSQL knows, read once per process. */
export function knownZones(ctx: Context): Promise<Set<string>> {
  zones ??= timezoneNames(ctx.em).catch((e: unknown) => {
    zones = null;
    throw e;
  });
  return zones;
}

/** A range and the filter's conditions, as analytics takes them. */
export interface AnalyticsSpec {
  from: Date | null | undefined;
  to: Date | null | undefined;
  ids: FilterIds;
  interval: Interval;
  timezone: string | null | undefined;
}

/**
 * Validates a request and binds it to the caller's scope (and a report's owner scope) — the permission
 * gate (ANALYTICS_READ). BAD_USER_INPUT names the field (`prefix.from`, `prefix.to`, `timezone`, `groupBy`). Reads timezone names only.
 */
export async function buildAnalytics(ctx: Context, spec: AnalyticsSpec, ownerScope: RowScope | null = null, prefix = 'filter'): Promise<Analytics> {
  const scope: Scope = requirePermission(ctx, Permission.ANALYTICS_READ);
  const { from, to } = checkRange(spec.from, spec.to, spec.interval, prefix);
  const timezone = checkTimezone(spec.timezone, await knownZones(ctx));
  return new Analytics({ query: { from, to, interval: spec.interval, timezone, ...spec.ids }, scope: rowScope(scope), ownerScope, templateIds: scope.templateIds });
}

function seriesOf(ctx: Context, a: Analytics) {
  a.series ??= rollupSeries(ctx.em, a.request.scope, a.request.ownerScope, a.request.query);
  return a.series;
}

/** The series: one point per interval, zeros included. Reads the rollups (once per Analytics object). */
export async function analyticsSeries(ctx: Context, a: Analytics): Promise<AnalyticsPoint[]> {
  return (await seriesOf(ctx, a)).map((p) => Object.assign(new AnalyticsPoint(), { start: p.start, counts: AnalyticsCounts.of(p.counts) }));
}

/** The sum of the series' counts (the series partitions the range). Reads the rollups (shared with the series). */
export async function analyticsTotals(ctx: Context, a: Analytics): Promise<AnalyticsCounts> {
  return AnalyticsCounts.of(sumCounts((await seriesOf(ctx, a)).map((p) => p.counts)));
}

/** Adds counts up. Pure. */
export function sumCounts(list: readonly Counts[]): Counts {
  const out = Object.fromEntries(COUNT_COLUMNS.map((c) => [c, 0])) as Counts;
  for (const c of list) for (const k of COUNT_COLUMNS) out[k] += c[k];
  return out;
}

const NODE_TYPE: Record<Exclude<RollupDimension, 'tag'>, string> = { tenant: 'Tenant', domain: 'Domain', identity: 'SenderIdentity', template: 'Template' };

/** Counts per tenant, domain, sender identity or template, global ids. Reads the rollups. */
export async function analyticsByOwner(ctx: Context, a: Analytics, dimension: Exclude<RollupDimension, 'tag'>): Promise<AnalyticsIdCounts[]> {
  const rows = await rollupByDimension(ctx.em, a.request.scope, a.request.ownerScope, a.request.query, dimension, dimension === 'template' ? a.request.templateIds : null);
  return rows.map((r) => Object.assign(new AnalyticsIdCounts(), { id: r.key ? toGlobalId(NODE_TYPE[dimension], r.key) : null, counts: AnalyticsCounts.of(r.counts) }));
}

/** Counts per tag. Reads the rollups. */
export async function analyticsByTag(ctx: Context, a: Analytics): Promise<AnalyticsTagCounts[]> {
  const rows = await rollupByDimension(ctx.em, a.request.scope, a.request.ownerScope, a.request.query, 'tag', null);
  return rows.map((r) => Object.assign(new AnalyticsTagCounts(), { key: r.key ?? '', counts: AnalyticsCounts.of(r.counts) }));
}

/** Opens or clicks per country, client or reading environment, with shares. Reads the rollups. */
export async function analyticsReaders(ctx: Context, a: Analytics, dimension: EngagementDimension, engagement: AnalyticsEngagement): Promise<AnalyticsShare[]> {
  const rows = await rollupReaders(ctx.em, a.request.scope, a.request.ownerScope, a.request.query, dimension, ENGAGEMENT_EVENT[engagement]);
  const total = rows.reduce((n, r) => n + r.count, 0);
  return rows.map((r) => Object.assign(new AnalyticsShare(), { key: r.key, count: r.count, share: total ? r.count / total : 0 }));
}
