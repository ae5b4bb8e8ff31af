import type { EntityClass } from '@mikro-orm/core';
import { Permission } from '../../auth/permissions';
import { rowScope } from '../../auth/scope';
import { type Context, requirePermission } from '../../context';
import { findInScope } from '../../db/find-in-scope';
import { badInput, notFound } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { type Page, type PageArgs, paginate } from '../../graphql/pagination';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { Template } from '../templates/template.entity';
import { Tenant } from '../tenants/tenant.entity';
import type { Analytics } from './analytics';
import { AnalyticsInterval, checkRange, checkTimezone, resolveFilterIds } from './analytics.inputs';
import { relativeRange } from './analytics.queries';
import { buildAnalytics, knownZones } from './analytics.service';
import { Report, type StoredReportFilter } from './report.entity';
import { type CreateReportInput, type DeleteReportInput, REPORT_LIMITS, type ReportFilterInput, type UpdateReportInput } from './report.inputs';
import { ReportFilter } from './report.types';

/** Throws NOT_FOUND naming `field` unless every id is a row the caller's scope holds (so a report never names another client's objects). */
async function requireInScope(ctx: Context, entity: EntityClass<object>, type: string, ids: string[] | null, field: string): Promise<void> {
  if (!ids) return;
  const found = await ctx.em.count(entity, { id: { $in: ids } });
  if (found !== ids.length) throw notFound(type, field);
}

/** Validates a report filter: exactly one of lastDays or from + to, ids that the caller's scope holds. Reads the referenced rows. */
async function resolveReportFilter(ctx: Context, f: ReportFilterInput, interval: AnalyticsInterval): Promise<StoredReportFilter> {
  const ids = resolveFilterIds(f, 'input.filter');
  await requireInScope(ctx, Tenant, 'Tenant', ids.tenantIds as string[] | null, 'input.filter.tenantIds');
  await requireInScope(ctx, Domain, 'Domain', ids.domainIds as string[] | null, 'input.filter.domainIds');
  await requireInScope(ctx, SenderIdentity, 'SenderIdentity', ids.identityIds as string[] | null, 'input.filter.senderIdentityIds');
  await requireInScope(ctx, Template, 'Template', ids.templateIds as string[] | null, 'input.filter.templateIds');
  const rest = { tenantIds: ids.tenantIds, domainIds: ids.domainIds, identityIds: ids.identityIds, templateIds: ids.templateIds, tags: ids.tags } as Omit<
    StoredReportFilter,
    'from' | 'to' | 'lastDays'
  >;
  if (f.lastDays !== null && f.lastDays !== undefined) {
    if (f.from || f.to) throw badInput('input.filter.lastDays', 'give either lastDays or from and to');
    if (!Number.isInteger(f.lastDays) || f.lastDays < 1 || f.lastDays > REPORT_LIMITS.lastDays) throw badInput('input.filter.lastDays', `lastDays must be from 1 to ${REPORT_LIMITS.lastDays}`);
    if (interval === AnalyticsInterval.HOUR && f.lastDays > 30) throw badInput('input.groupBy', 'HOUR series of a relative range cover at most 30 days');
    return { from: null, to: null, lastDays: f.lastDays, ...rest };
  }
  const { from, to } = checkRange(f.from, f.to, interval, 'input.filter');
  return { from: from.toISOString(), to: to.toISOString(), lastDays: null, ...rest };
}

function checkName(name: string | null | undefined): string {
  const n = (name ?? '').trim();
  if (!n || n.length > REPORT_LIMITS.name) throw badInput('input.name', `name must be 1 to ${REPORT_LIMITS.name} characters`);
  return n;
}

function checkDescription(d: string | null | undefined): string | null {
  if (d && d.length > REPORT_LIMITS.description) throw badInput('input.description', `description must be at most ${REPORT_LIMITS.description} characters`);
  return d?.trim() || null;
}

/** Creates a report owned by the caller's scope (ANALYTICS_READ). Writes one row. */
export async function createReport(ctx: Context, input: CreateReportInput): Promise<Report> {
  const scope = requirePermission(ctx, Permission.ANALYTICS_READ);
  const groupBy = input.groupBy ?? AnalyticsInterval.DAY;
  const name = checkName(input.name);
  const description = checkDescription(input.description);
  const timezone = checkTimezone(input.timezone, await knownZones(ctx), 'input.timezone');
  const filter = await resolveReportFilter(ctx, input.filter, groupBy);
  const report = ctx.em.create(Report, {
    account: scope.accountId,
    principalKey: scope.principalKey,
    name,
    description,
    filter,
    groupBy,
    timezone,
    breakdowns: [...new Set(input.breakdowns ?? [])],
    ownerScope: rowScope(scope),
  });
  await ctx.em.flush();
  return report;
}

/** Changes a report the caller sees (its maker, or account-wide principals); its owner scope stays. Writes one row. */
export async function updateReport(ctx: Context, input: UpdateReportInput): Promise<Report> {
  requirePermission(ctx, Permission.ANALYTICS_READ);
  const report = await findInScope(ctx, Report, 'Report', input.id, 'input.id');
  const groupBy = input.groupBy ?? report.groupBy;
  const name = input.name === null || input.name === undefined ? report.name : checkName(input.name);
  const description = input.description === undefined ? report.description : checkDescription(input.description);
  const timezone = input.timezone ? checkTimezone(input.timezone, await knownZones(ctx), 'input.timezone') : report.timezone;
  const filter = input.filter ? await resolveReportFilter(ctx, input.filter, groupBy) : report.filter;
  if (!input.filter && groupBy === AnalyticsInterval.HOUR) checkStoredRange(filter, groupBy);
  report.name = name;
  report.description = description;
  report.groupBy = groupBy;
  report.timezone = timezone;
  report.filter = filter;
  if (input.breakdowns) report.breakdowns = [...new Set(input.breakdowns)];
  await ctx.em.flush();
  return report;
}

function checkStoredRange(f: StoredReportFilter, groupBy: AnalyticsInterval): void {
  if (f.lastDays !== null) {
    if (groupBy === AnalyticsInterval.HOUR && f.lastDays > 30) throw badInput('input.groupBy', 'HOUR series of a relative range cover at most 30 days');
  } else checkRange(new Date(f.from!), new Date(f.to!), groupBy, 'input.filter');
}

/** Deletes a report the caller sees. Writes. */
export async function deleteReport(ctx: Context, input: DeleteReportInput): Promise<string> {
  requirePermission(ctx, Permission.ANALYTICS_READ);
  const report = await findInScope(ctx, Report, 'Report', input.id, 'input.id');
  ctx.em.remove(report);
  await ctx.em.flush();
  return toGlobalId('Report', report.id);
}

/** The reports the caller sees, oldest first (ANALYTICS_READ). Read-only. */
export function listReports(ctx: Context, args: PageArgs): Promise<Page<Report>> {
  requirePermission(ctx, Permission.ANALYTICS_READ);
  return paginate(ctx.em, Report, {}, args);
}

/** One report by global id; NOT_FOUND when missing or not the caller's. Read-only. */
export function getReport(ctx: Context, id: string): Promise<Report> {
  requirePermission(ctx, Permission.ANALYTICS_READ);
  return findInScope(ctx, Report, 'Report', id, 'id');
}

/** The saved filter as the API shows it (global ids). Pure. */
export function reportFilter(r: Report): ReportFilter {
  const f = r.filter;
  const g = (type: string, ids: string[] | null) => ids?.map((id) => toGlobalId(type, id)) ?? null;
  return Object.assign(new ReportFilter(), {
    from: f.from ? new Date(f.from) : null,
    to: f.to ? new Date(f.to) : null,
    lastDays: f.lastDays,
    tenantIds: g('Tenant', f.tenantIds),
    domainIds: g('Domain', f.domainIds),
    senderIdentityIds: g('SenderIdentity', f.identityIds),
    tags: f.tags,
    templateIds: g('Template', f.templateIds),
  });
}

/**
 * The analytics of a report, now: its range (a relative one computed at the clock's now in its timezone),
 * bounded by the caller's scope AND the report's owner scope, in SQL. Reads the rollups on demand.
 */
export async function reportResult(ctx: Context, r: Report): Promise<Analytics> {
  requirePermission(ctx, Permission.ANALYTICS_READ);
  const f = r.filter;
  const range = f.lastDays !== null ? await relativeRange(ctx.em, ctx.deps.clock.now(), f.lastDays, r.timezone) : { from: new Date(f.from!), to: new Date(f.to!) };
  const ids = { tenantIds: f.tenantIds, domainIds: f.domainIds, identityIds: f.identityIds, templateIds: f.templateIds, tags: f.tags };
  return buildAnalytics(ctx, { ...range, ids, interval: r.groupBy, timezone: r.timezone }, r.ownerScope, 'filter');
}
