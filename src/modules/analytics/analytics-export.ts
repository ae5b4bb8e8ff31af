import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import type { Principal } from '../../auth/principal';
import { rowScope, type RowScope, type Scope, scopeAllows } from '../../auth/scope';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { openClaims, signClaims } from '../../auth/signed-claims';
import type { Clock } from '../../lib/clock';
import { isUuid } from '../../lib/ids';
import { readStoredPrincipal, type StoredPrincipal, storePrincipal } from '../sending/principal-refresh';
import { AnalyticsInterval, ANALYTICS_LIMITS, checkRange, checkTimezone, resolveFilterIds } from './analytics.inputs';
import { type RollupQuery, relativeRange } from './analytics.queries';
import { knownZones } from './analytics.service';
import { AnalyticsExportFormat, type ExportAnalyticsInput } from './analytics-export.types';
import { Report } from './report.entity';
import { getReport } from './reports.service';

const PURPOSE = 'analytics-export';
/** How long an export link works. */
export const EXPORT_MINUTES = 60;

/** A filter carried by a link (uuids, ISO dates), validated when the link was made. */
export interface LinkFilter {
  from: string;
  to: string;
  tenantIds: string[] | null;
  domainIds: string[] | null;
  identityIds: string[] | null;
  templateIds: string[] | null;
  tags: string[] | null;
}

/**
 * What an export link grants: reading, until `expiresAt`, the series of a report or a filter that its
 * principal may read when the link is followed — the principal is rebuilt then (a revoked token, ended
 * membership or narrowed scope reads less or nothing), and its account must be the link's.
 */
export interface AnalyticsExportClaims {
  accountId: string;
  principal: StoredPrincipal;
  reportId: string | null;
  filter: LinkFilter | null;
  groupBy: AnalyticsInterval | null;
  timezone: string | null;
  format: AnalyticsExportFormat;
  expiresAt: Date;
}

/** Signs claims into a URL-safe token: base64url(JSON) + '.' + HMAC signature (purpose-bound key). Pure. */
export function createAnalyticsExportToken(secret: Buffer, c: AnalyticsExportClaims): string {
  return signClaims(secret, PURPOSE, c.accountId, c.expiresAt, { p: c.principal, r: c.reportId, f: c.filter, g: c.groupBy, z: c.timezone, o: c.format });
}

const uuidsOrNull = (v: unknown): string[] | null | undefined =>
  v === null ? null : Array.isArray(v) && v.length <= ANALYTICS_LIMITS.ids && v.every((x) => typeof x === 'string' && isUuid(x)) ? v : undefined;
const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function readFilter(f: unknown): LinkFilter | null | undefined {
  if (f === null) return null;
  const x = (f ?? {}) as Record<string, unknown>;
  const tags =
    x.tags === null
      ? null
      : Array.isArray(x.tags) && x.tags.length <= ANALYTICS_LIMITS.tags && x.tags.every((t) => typeof t === 'string' && t.length <= ANALYTICS_LIMITS.tagLength)
        ? (x.tags as string[])
        : undefined;
  const ids = [uuidsOrNull(x.tenantIds), uuidsOrNull(x.domainIds), uuidsOrNull(x.identityIds), uuidsOrNull(x.templateIds)];
  if (!isDate(x.from) || !isDate(x.to) || tags === undefined || ids.some((i) => i === undefined)) return undefined;
  return { from: x.from, to: x.to, tenantIds: ids[0]!, domainIds: ids[1]!, identityIds: ids[2]!, templateIds: ids[3]!, tags };
}

/** Verifies a token's signature and expiry; null when it is malformed, tampered with or expired. Pure. */
export function readAnalyticsExportToken(secret: Buffer, token: string, now: Date): AnalyticsExportClaims | null {
  const opened = openClaims(secret, PURPOSE, token, now, 16000);
  if (!opened) return null;
  const { p, r, f, g, z, o } = opened.raw;
  const principal = readStoredPrincipal(p);
  const filter = readFilter(f);
  const reportId = r === null ? null : typeof r === 'string' && isUuid(r) ? r : undefined;
  const groupBy = g === null ? null : Object.values(AnalyticsInterval).includes(g as AnalyticsInterval) ? (g as AnalyticsInterval) : undefined;
  const timezone = z === null ? null : typeof z === 'string' && z.length <= ANALYTICS_LIMITS.timezoneLength ? z : undefined;
  const format = Object.values(AnalyticsExportFormat).includes(o as AnalyticsExportFormat) ? (o as AnalyticsExportFormat) : undefined;
  if (!principal || filter === undefined || reportId === undefined || groupBy === undefined || timezone === undefined || !format || (reportId === null) === (filter === null)) return null;
  return { accountId: opened.accountId, principal, reportId, filter, groupBy, timezone, format, expiresAt: opened.expiresAt };
}

/**
 * Creates a signed download link, valid for an hour, for the series of a saved report the caller sees or
 * of a filter (ANALYTICS_READ); inputs are validated now (BAD_USER_INPUT / NOT_FOUND naming the field).
 * The link names the caller; when followed, the caller's access is read again. No writes.
 */
export async function createAnalyticsExport(ctx: Context, input: ExportAnalyticsInput): Promise<{ url: string; expiresAt: Date }> {
  const scope = requirePermission(ctx, Permission.ANALYTICS_READ);
  if (!input.reportId === !input.filter) throw badInput('input.reportId', 'give either reportId or filter');
  const timezone = input.timezone ? checkTimezone(input.timezone, await knownZones(ctx), 'input.timezone') : null;
  let filter: LinkFilter | null = null;
  let reportId: string | null = null;
  if (input.reportId) {
    reportId = (await getReport(ctx, input.reportId)).id;
  } else {
    const f = input.filter!;
    const { from, to } = checkRange(f.from, f.to, input.groupBy ?? AnalyticsInterval.DAY, 'input.filter');
    const ids = resolveFilterIds(f, 'input.filter');
    filter = { from: from.toISOString(), to: to.toISOString(), ...(ids as Omit<LinkFilter, 'from' | 'to'>) };
  }
  const expiresAt = new Date(Math.floor((ctx.deps.clock.now().getTime() + EXPORT_MINUTES * 60_000) / 1000) * 1000);
  const claims = { accountId: scope.accountId, principal: storePrincipal(ctx.principal)!, reportId, filter, groupBy: input.groupBy ?? null, timezone, format: input.format, expiresAt };
  return { url: `${ctx.config.publicUrl}/analytics/export/${createAnalyticsExportToken(ctx.config.secret, claims)}`, expiresAt };
}

/** What an export reads: the query and the two scopes that bound it. */
export interface ResolvedExport {
  query: RollupQuery;
  scope: RowScope;
  ownerScope: RowScope | null;
}

/**
 * Resolves what a principal may export, as it is now: null when it lost ANALYTICS_READ, its account is
 * not `accountId`, or the report is gone or no longer its to read. A relative range is computed at `clock`'s now. Reads.
 */
export async function resolveExport(
  ems: { system: EntityManager; scoped(scope: Scope): EntityManager },
  clock: Clock,
  principal: Principal | null,
  accountId: string,
  what: { reportId: string | null; filter: LinkFilter | null; groupBy: AnalyticsInterval | null; timezone: string | null },
): Promise<ResolvedExport | null> {
  if (!principal || principal.kind === 'PUBLIC' || principal.scope.accountId !== accountId || !scopeAllows(principal.scope, Permission.ANALYTICS_READ)) return null;
  const scope = rowScope(principal.scope);
  if (what.reportId) {
    const report = await ems.scoped(principal.scope).findOne(Report, { id: what.reportId });
    if (!report) return null;
    const timezone = what.timezone ?? report.timezone;
    const f = report.filter;
    const range = f.lastDays !== null ? await relativeRange(ems.system, clock.now(), f.lastDays, timezone) : { from: new Date(f.from!), to: new Date(f.to!) };
    const ids = { tenantIds: f.tenantIds, domainIds: f.domainIds, identityIds: f.identityIds, templateIds: f.templateIds, tags: f.tags };
    return { query: { ...range, ...ids, interval: what.groupBy ?? report.groupBy, timezone }, scope, ownerScope: report.ownerScope };
  }
  const f = what.filter!;
  const query = { from: new Date(f.from), to: new Date(f.to), tenantIds: f.tenantIds, domainIds: f.domainIds, identityIds: f.identityIds, templateIds: f.templateIds, tags: f.tags };
  return { query: { ...query, interval: what.groupBy ?? AnalyticsInterval.DAY, timezone: what.timezone ?? 'UTC' }, scope, ownerScope: null };
}
