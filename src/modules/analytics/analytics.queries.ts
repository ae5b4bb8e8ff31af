import type { Readable } from 'node:stream';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { RowScope } from '../../auth/scope';
import { type OwnerColumns, scopeCondition, SqlParams } from '../../db/scope-sql';
import { COUNT_COLUMNS, type CountColumn, type EngagementColumn, type EngagementDimension } from './rollup';
import { ENGAGEMENT_COLUMNS } from './rollup-writes.queries';

/** The owner columns of the rollup tables: every row has a domain (no account-level rows). */
const ROLLUP_OWNERS: OwnerColumns = { account: 'account_id', domain: 'domain_id', tenant: 'tenant_id', identity: 'sender_identity_id', accountLevel: false };

/** Series buckets analytics groups by. */
export type Interval = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';

/** A validated analytics request: range [from, to) taken to whole UTC hours, filters (null: no filter), interval and IANA timezone. */
export interface RollupQuery {
  from: Date;
  to: Date;
  interval: Interval;
  timezone: string;
  tenantIds: readonly string[] | null;
  domainIds: readonly string[] | null;
  identityIds: readonly string[] | null;
  templateIds: readonly string[] | null;
  tags: readonly string[] | null;
}

/** Counts per event column. */
export type Counts = Record<CountColumn, number>;

const SUMS = COUNT_COLUMNS.map((c) => `sum(h.${c})::bigint as ${c}`).join(', ');

function countsOf(r: Record<string, unknown>): Counts {
  return Object.fromEntries(COUNT_COLUMNS.map((c) => [c, Number(r[c] ?? 0)])) as Counts;
}

/**
 * The where-clause of a rollup read: the reader's scope and the owner scope (a saved report's), both in
 * SQL; the hour range; the filters; and which tag rows (null-tag rows for totals, unless tags are asked
 * for: then the rows of those tags, so a message carrying two of them counts under each).
 */
function where(q: SqlParams, scope: RowScope, ownerScope: RowScope | null, f: RollupQuery, tagRows: 'totals' | 'tagged', table = 'analytics_hourly'): string {
  const parts = [scopeCondition(q, scope, 'h', ROLLUP_OWNERS)];
  if (ownerScope) parts.push(scopeCondition(q, ownerScope, 'h', ROLLUP_OWNERS));
  // The account's totals table has no owner, template or tag columns: only unfiltered account-wide reads come here.
  if (table === 'analytics_hourly_account') {
    if (!readsAccountTotals(scope, ownerScope, f)) throw new Error('account totals read with a narrower scope or a filter');
    parts.push(`h.hour >= date_trunc('hour', ${q.p(f.from.toISOString())}::timestamptz, 'UTC')`, `h.hour < ${q.p(f.to.toISOString())}::timestamptz`);
    return parts.join(' and ');
  }
  parts.push(`h.hour >= date_trunc('hour', ${q.p(f.from.toISOString())}::timestamptz, 'UTC')`, `h.hour < ${q.p(f.to.toISOString())}::timestamptz`);
  if (f.tenantIds) parts.push(`h.tenant_id = any(${q.uuids(f.tenantIds)})`);
  if (f.domainIds) parts.push(`h.domain_id = any(${q.uuids(f.domainIds)})`);
  if (f.identityIds) parts.push(`h.sender_identity_id = any(${q.uuids(f.identityIds)})`);
  if (f.templateIds) parts.push(`h.template_id = any(${q.uuids(f.templateIds)})`);
  if (f.tags) parts.push(`h.tag in (select jsonb_array_elements_text(${q.p(JSON.stringify(f.tags))}::jsonb))`);
  else parts.push(tagRows === 'totals' ? 'h.tag is null' : 'h.tag is not null');
  return parts.join(' and ');
}

/** Whether a read may use the account's hourly totals: every scope account-wide, and no filter but the range. Pure. */
function readsAccountTotals(scope: RowScope, ownerScope: RowScope | null, f: RollupQuery): boolean {
  return scope.accountWide && (!ownerScope || ownerScope.accountWide) && !f.tenantIds && !f.domainIds && !f.identityIds && !f.templateIds && !f.tags;
}

/** Whether a scope narrows the rollup rows (account-wide and all-domains scopes reach every row of their account: every rollup row has a domain). Pure. */
const narrows = (s: RowScope) => !s.accountWide && !s.allDomains;

const sortedIds = (ids: readonly string[]) => [...new Set(ids)].sort();
const sameOwners = (a: RowScope, b: RowScope) =>
  a.accountId === b.accountId &&
  [sortedIds(a.tenantIds), sortedIds(a.domainIds), sortedIds(a.identityIds)].join('|') === [sortedIds(b.tenantIds), sortedIds(b.domainIds), sortedIds(b.identityIds)].join('|');

/**
 * Whether a read may take its tenants' rows from the tenants' hourly totals, and which tenants: no filter
 * but the range and tenants; every narrowing scope (the reader's, a report owner's) the same, and
 * naming tenants, or a tenant filter. Null: read the owner rows (analytics_hourly) only. Pure.
 */
function tenantTotalsOf(scope: RowScope, ownerScope: RowScope | null, f: RollupQuery): { tenants: string[]; narrowing: RowScope | null } | null {
  if (f.domainIds || f.identityIds || f.templateIds || f.tags) return null;
  const narrowing = [scope, ownerScope].filter((s): s is RowScope => s !== null && narrows(s));
  if (narrowing.length === 2 && !sameOwners(narrowing[0], narrowing[1])) return null;
  let tenants = narrowing.length ? sortedIds(narrowing[0].tenantIds) : null;
  if (f.tenantIds) tenants = tenants ? tenants.filter((t) => f.tenantIds!.includes(t)) : sortedIds(f.tenantIds);
  return tenants?.length ? { tenants, narrowing: narrowing[0] ?? null } : null;
}

/**
 * The rows a series sums, as a subquery aliased `h` (its hour and counts), both scopes applied in SQL:
 * - an account-wide read without filters: the account's hourly totals;
 * - a read of whole tenants (see tenantTotalsOf): those tenants' hourly totals, plus — for a narrowing scope,
 *   whose domains and sender identities might carry another tenant's mail — the owner rows its domains and
 *   identities reach whose tenant is none of those (as index ranges around them: normally none), so the sum
 *   is exactly what the owner rows under the same scope add up to;
 * - anything else: the owner rows.
 */
function seriesRows(q: SqlParams, scope: RowScope, ownerScope: RowScope | null, f: RollupQuery): string {
  const cols = ['h.hour', ...COUNT_COLUMNS.map((c) => `h.${c}`)].join(', ');
  if (readsAccountTotals(scope, ownerScope, f)) return `(select ${cols} from analytics_hourly_account h where ${where(q, scope, ownerScope, f, 'totals', 'analytics_hourly_account')}) h`;
  const whole = tenantTotalsOf(scope, ownerScope, f);
  if (!whole) return `(select ${cols} from analytics_hourly h where ${where(q, scope, ownerScope, f, 'totals')}) h`;
  // Placeholders are positional (a `?` per value): each fragment is rendered in the order it stands in the text.
  const accounts = () => [scope, ownerScope].flatMap((s) => (s ? [`h.account_id = ${q.p(s.accountId)}`] : [])).join(' and ');
  const hours = () => `h.hour >= date_trunc('hour', ${q.p(f.from.toISOString())}::timestamptz, 'UTC') and h.hour < ${q.p(f.to.toISOString())}::timestamptz`;
  const tenantPart = `select ${cols} from analytics_hourly_tenant h where ${accounts()} and h.tenant_id = any(${q.uuids(whole.tenants)}) and ${hours()}`;
  const n = whole.narrowing;
  if (!n || (!n.domainIds.length && !n.identityIds.length)) return `(${tenantPart}) h`;
  // Tenants other than those: none, below the first, between two, above the last (each an index range).
  const ts = whole.tenants;
  const t = (i: number) => `${q.p(ts[i])}::uuid`;
  const others: (() => string)[] = [
    () => 'h.tenant_id is null',
    () => `h.tenant_id < ${t(0)}`,
    ...ts.slice(1).map((_, i) => () => `h.tenant_id > ${t(i)} and h.tenant_id < ${t(i + 1)}`),
    () => `h.tenant_id > ${t(ts.length - 1)}`,
  ];
  let rest = `select ${cols} from analytics_hourly h where ${accounts()} and ${hours()} and h.tag is null`;
  if (f.tenantIds) rest += ` and h.tenant_id = any(${q.uuids(f.tenantIds)})`;
  const arms: string[] = [];
  if (n.domainIds.length) for (const other of others) arms.push(`(h.domain_id = any(${q.uuids(n.domainIds)}) and ${other()})`);
  if (n.identityIds.length) {
    for (const other of others) {
      const identity = `h.sender_identity_id = any(${q.uuids(n.identityIds)}) and ${other()}`;
      arms.push(`(${identity}${n.domainIds.length ? ` and not h.domain_id = any(${q.uuids(n.domainIds)})` : ''})`);
    }
  }
  return `(${tenantPart} union all ${rest} and (${arms.join(' or ')})) h`;
}

const UNIT: Record<Interval, string> = { HOUR: 'hour', DAY: 'day', WEEK: 'week', MONTH: 'month', YEAR: 'year' };

/**
 * SQL of the series of `f`: one row per interval of the range, zeros included, with its start (UTC) and
 * its local start in the timezone (text). HOUR points are UTC hours (an hour of local time in every zone);
 * DAY…YEAR points start at local midnight of the timezone (DST-aware, computed by PostgreSQL), each UTC
 * hour bucket counted in the local interval its start falls in — exact for zones with whole-hour
 * offsets. Both scopes are applied in SQL.
 */
export function seriesQuery(scope: RowScope, ownerScope: RowScope | null, f: RollupQuery, style: 'knex' | 'pg'): { sql: string; params: unknown[] } {
  const unit = UNIT[f.interval];
  const cols = COUNT_COLUMNS.map((c) => `coalesce(b.${c}, 0)::bigint as ${c}`).join(', ');
  const local = (start: string, tz: string) => `to_char(${start} at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as local_start`;
  // Placeholders are positional: parameters are added in the order they appear in the text.
  const q = new SqlParams(style);
  if (f.interval === 'HOUR') {
    const rows = seriesRows(q, scope, ownerScope, f);
    const tz = q.p(f.timezone);
    const from = q.p(f.from.toISOString());
    const to = q.p(f.to.toISOString());
    return {
      sql: `with b as (select h.hour as start, ${SUMS} from ${rows} group by 1)
        select s.start, ${local('s.start', `${tz}::text`)}, ${cols}
        from generate_series(date_trunc('hour', ${from}::timestamptz, 'UTC'), ${to}::timestamptz - interval '1 microsecond', interval '1 hour') as s(start)
        left join b on b.start = s.start order by s.start`,
      params: q.params,
    };
  }
  const tz1 = q.p(f.timezone);
  const rows = seriesRows(q, scope, ownerScope, f);
  const tz4 = q.p(f.timezone);
  const from = q.p(f.from.toISOString());
  const tz2 = q.p(f.timezone);
  const to = q.p(f.to.toISOString());
  const tz3 = q.p(f.timezone);
  return {
    sql: `with b as (select date_trunc('${unit}', h.hour at time zone ${tz1}::text) as local_start, ${SUMS} from ${rows} group by 1)
      select s.local_start at time zone ${tz4}::text as start, to_char(s.local_start, 'YYYY-MM-DD"T"HH24:MI:SS') as local_start, ${cols}
      from generate_series(date_trunc('${unit}', ${from}::timestamptz at time zone ${tz2}::text), (${to}::timestamptz at time zone ${tz3}::text) - interval '1 microsecond', interval '1 ${unit}') as s(local_start)
      left join b on b.local_start = s.local_start order by s.local_start`,
    params: q.params,
  };
}

/** One point of a series: its start, its local start (text, in the query's timezone) and its counts. */
export interface SeriesRow {
  start: Date;
  localStart: string;
  counts: Counts;
}

/** A row of the series query as the API uses it. Pure. */
export function toSeriesRow(r: Record<string, unknown>): SeriesRow {
  return { start: r.start instanceof Date ? r.start : new Date(String(r.start)), localStart: String(r.local_start), counts: countsOf(r) };
}

/** The series of `f` (see seriesQuery), both scopes applied in SQL. Read-only. */
export async function rollupSeries(em: EntityManager, scope: RowScope, ownerScope: RowScope | null, f: RollupQuery): Promise<SeriesRow[]> {
  const { sql, params } = seriesQuery(scope, ownerScope, f, 'knex');
  const rows = await em.execute<Record<string, unknown>[]>(sql, params);
  return rows.map(toSeriesRow);
}

/**
 * Streams the series of `f` from a server-side cursor (pg-query-stream, 500 rows at a time, with
 * backpressure) to `consume`, both scopes applied in SQL: what exports read, never held in memory. Read-only.
 */
export async function streamSeries(em: EntityManager, scope: RowScope, ownerScope: RowScope | null, f: RollupQuery, consume: (rows: Readable) => Promise<void>): Promise<void> {
  const { sql, params } = seriesQuery(scope, ownerScope, f, 'pg');
  const knex = em.getConnection().getKnex();
  const client = (await knex.client.acquireConnection()) as PoolClient;
  try {
    await consume(client.query(new QueryStream(sql, params, { batchSize: 500 })));
  } finally {
    await knex.client.releaseConnection(client);
  }
}

/** The columns a by-dimension breakdown groups by. */
export type RollupDimension = 'tenant' | 'domain' | 'identity' | 'template' | 'tag';
const DIMENSION_COLUMN: Record<RollupDimension, string> = { tenant: 'tenant_id', domain: 'domain_id', identity: 'sender_identity_id', template: 'template_id', tag: 'tag' };

/** At most this many rows per breakdown (the largest counts first). */
export const BREAKDOWN_LIMIT = 1000;

/**
 * Counts of `f` grouped by one dimension (tenant, domain, sender identity, template or tag; null key: mail
 * without one, e.g. the agency's own), most sent first. `onlyTemplates` narrows the template breakdown
 * to a template allow-list. Applies both scopes in SQL. Read-only.
 */
export async function rollupByDimension(
  em: EntityManager,
  scope: RowScope,
  ownerScope: RowScope | null,
  f: RollupQuery,
  dimension: RollupDimension,
  onlyTemplates: readonly string[] | null,
): Promise<{ key: string | null; counts: Counts }[]> {
  const q = new SqlParams();
  const col = DIMENSION_COLUMN[dimension];
  let w = where(q, scope, ownerScope, f, dimension === 'tag' ? 'tagged' : 'totals');
  if (onlyTemplates) w += ` and h.template_id = any(${q.uuids(onlyTemplates)})`;
  const rows = await em.execute<Record<string, unknown>[]>(
    `select h.${col}::text as key, ${SUMS} from analytics_hourly h where ${w} group by 1 order by sum(h.sent) desc, sum(h.queued) desc, 1 limit ${BREAKDOWN_LIMIT}`,
    q.params,
  );
  return rows.map((r) => ({ key: (r.key as string | null) ?? null, counts: countsOf(r) }));
}

const READER_COLUMN: Record<EngagementDimension, string> = { COUNTRY: 'country', CLIENT: 'client', ENVIRONMENT: 'environment' };

/**
 * Opens or clicks (`column`: opened, opened_unique, clicked, clicked_unique) of `f` by a reader dimension
 * (country, client, environment), largest first. Applies both scopes in SQL. Read-only.
 */
export async function rollupReaders(
  em: EntityManager,
  scope: RowScope,
  ownerScope: RowScope | null,
  f: RollupQuery,
  dimension: EngagementDimension,
  column: EngagementColumn,
): Promise<{ key: string; count: number }[]> {
  const q = new SqlParams();
  const w = where(q, scope, ownerScope, f, 'totals');
  const key = READER_COLUMN[dimension];
  const count = ENGAGEMENT_COLUMNS.includes(column) ? column : 'opened';
  const rows = await em.execute<{ key: string; count: string }[]>(
    `select h.${key} as key, sum(h.${count})::bigint as count from analytics_engagement_hourly h where ${w} group by 1 having sum(h.${count}) > 0 order by 2 desc, 1 limit ${BREAKDOWN_LIMIT}`,
    q.params,
  );
  return rows.map((r) => ({ key: r.key, count: Number(r.count) }));
}

/** Every timezone name PostgreSQL knows (IANA, with its aliases). No scope: static data. */
export async function timezoneNames(em: EntityManager): Promise<Set<string>> {
  const rows = await em.execute<{ name: string }[]>('select name from pg_timezone_names');
  return new Set(rows.map((r) => r.name));
}

/** The range of "the last `days` days" at `now` in `timezone`: from local midnight `days - 1` days before today to the end of the current UTC hour. No scope: arithmetic. */
export async function relativeRange(em: EntityManager, now: Date, days: number, timezone: string): Promise<{ from: Date; to: Date }> {
  const [row] = await em.execute<{ from: string; to: string }[]>(
    `select (date_trunc('day', ?::timestamptz at time zone ?) - (? * interval '1 day')) at time zone ? as "from", date_trunc('hour', ?::timestamptz, 'UTC') + interval '1 hour' as "to"`,
    [now.toISOString(), timezone, days - 1, timezone, now.toISOString()],
  );
  return { from: new Date(row.from), to: new Date(row.to) };
}

/** The start of the day, week (Monday) or month after `after` in `timezone`: when a schedule runs next. No scope: arithmetic. */
export async function nextPeriodStart(em: EntityManager, after: Date, unit: 'day' | 'week' | 'month', timezone: string): Promise<Date> {
  const [row] = await em.execute<{ at: string }[]>(`select (date_trunc('${unit}', ?::timestamptz at time zone ?) + interval '1 ${unit}') at time zone ? as at`, [
    after.toISOString(),
    timezone,
    timezone,
  ]);
  return new Date(row.at);
}
