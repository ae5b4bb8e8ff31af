import type { EntityManager } from '@mikro-orm/postgresql';
import { executeWithParams } from '../../src/db/raw-params.queries';
import type { EventRow } from '../../src/events/event-row';
import { ActivityEventType } from '../../src/events/event-type';
import { pgArray } from '../../src/modules/analytics/rollup-writes.queries';
import { COUNT_COLUMNS, COUNTED, type CountColumn, ENGAGEMENT_COLUMN, type EngagementColumn, UNKNOWN_KEY } from '../../src/modules/analytics/rollup';

/*
 * Rollup rows made in memory from events, and written straight into the rollup tables: fixtures that
 * seed analytics without running the consumer, and the reference the consumer's SQL (rollUpRange) is
 * checked against (test/rollup-range.test.ts). The same counting rules as rollup.ts describes.
 */

const DIM_COLUMNS = ['account_id', 'hour', 'tenant_id', 'domain_id', 'sender_identity_id', 'template_id', 'tag'] as const;
const CONFLICT_KEY = 'account_id, hour, domain_id, tenant_id, sender_identity_id, template_id, tag';
const ENGAGEMENT_COLUMNS: readonly EngagementColumn[] = ['opened', 'opened_unique', 'clicked', 'clicked_unique'];

/** What a rollup row is counted by: owners, template, tag (null: the row of every message, whatever its tags) and UTC hour. */
export interface RollupDims {
  account_id: string;
  hour: string;
  tenant_id: string | null;
  domain_id: string;
  sender_identity_id: string | null;
  template_id: string | null;
  tag: string | null;
}

/** One row of analytics_hourly to add. */
export type HourlyRow = RollupDims & Record<CountColumn, number>;

/** One row of analytics_hourly_account (the account's totals of an hour) to add. */
export type AccountHourRow = Pick<RollupDims, 'account_id' | 'hour'> & Record<CountColumn, number>;

/** One row of analytics_engagement_hourly to add: one reader (country, client, environment), its opens and clicks. */
export interface EngagementRow extends RollupDims, Record<EngagementColumn, number> {
  country: string;
  client: string;
  environment: string;
}

const hourText = new Map<number, string>();

/** The UTC hour an instant falls in, as ISO text (memoised: a batch spans few hours). */
export function hourOf(d: Date): string {
  const h = Math.floor(d.getTime() / 3_600_000);
  let text = hourText.get(h);
  if (text === undefined) {
    if (hourText.size > 10_000) hourText.clear();
    text = new Date(h * 3_600_000).toISOString();
    hourText.set(h, text);
  }
  return text;
}

/** An event's reading environment as the API names it: WEBMAIL, DESKTOP, MOBILE or OTHER. Pure. */
export function environmentOf(data: Record<string, unknown>): string {
  const env = typeof data.environment === 'string' ? data.environment.toUpperCase() : '';
  return env === 'WEBMAIL' || env === 'DESKTOP' || env === 'MOBILE' ? env : 'OTHER';
}

function text(v: unknown, max: number): string {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : UNKNOWN_KEY;
}

/** The reader of an open or click: country (ISO code), client (user-agent family) and environment. Pure. */
export function readerOf(data: Record<string, unknown>): { country: string; client: string; environment: string } {
  return { country: text(data.country, 8).toUpperCase(), client: text(data.client, 64), environment: environmentOf(data) };
}

/**
 * Aggregates a batch of events into rollup rows (what one upsert per table adds). Each counted event adds
 * 1 to the row of its owners, template and hour with tag null (totals), and 1 to the row of each distinct
 * tag its message carries (byTag and tag filters). Opens and clicks also add 1 to their reader's row
 * (country, client, environment), the same way. `templateOf` maps message ids to their template (absent: none). Pure.
 */
export function aggregate(events: readonly EventRow[], templateOf: ReadonlyMap<string, string | null>): { hourly: HourlyRow[]; engagement: EngagementRow[]; account: AccountHourRow[] } {
  const hourly = new Map<string, HourlyRow>();
  const account = new Map<string, AccountHourRow>();
  const engagement = new Map<string, EngagementRow>();
  for (const e of events) {
    const column = COUNTED[e.type];
    if (!column) continue;
    const base = {
      account_id: e.accountId,
      hour: hourOf(e.occurredAt),
      tenant_id: e.tenantId,
      domain_id: e.domainId,
      sender_identity_id: e.senderIdentityId,
      template_id: templateOf.get(e.messageId) ?? null,
    };
    const baseKey = `${base.account_id}|${base.hour}|${base.tenant_id}|${base.domain_id}|${base.sender_identity_id}|${base.template_id}`;
    const accountKey = `${base.account_id}|${base.hour}`;
    let totals = account.get(accountKey);
    if (!totals) {
      totals = accountHourRow(base.account_id, base.hour);
      account.set(accountKey, totals);
    }
    totals[column]++;
    const tags: (string | null)[] = [null, ...new Set(e.tags)];
    const engaged = ENGAGEMENT_COLUMN[e.type];
    const reader = engaged ? readerOf(e.data) : null;
    for (const tag of tags) {
      const key = `${baseKey}|${tag === null ? '' : `#${tag}`}`;
      let row = hourly.get(key);
      if (!row) {
        row = hourlyRow(base, tag);
        hourly.set(key, row);
      }
      row[column]++;
      if (!engaged || !reader) continue;
      const ek = `${key}|${reader.country}|${reader.client}|${reader.environment}`;
      let er = engagement.get(ek);
      if (!er) {
        er = engagementRow(base, tag, reader);
        engagement.set(ek, er);
      }
      er[engaged]++;
    }
  }
  return { hourly: [...hourly.values()], engagement: [...engagement.values()], account: [...account.values()] };
}

/** Zero counts of `cols`. */
function zeros<C extends string>(cols: readonly C[]): Record<C, number> {
  return Object.fromEntries(cols.map((c) => [c, 0])) as Record<C, number>;
}

function engagementRow(b: Omit<RollupDims, 'tag'>, tag: string | null, r: { country: string; client: string; environment: string }): EngagementRow {
  return { ...b, tag, ...r, ...zeros(ENGAGEMENT_COLUMNS) };
}

function accountHourRow(account_id: string, hour: string): AccountHourRow {
  return { account_id, hour, ...zeros(COUNT_COLUMNS) };
}

function hourlyRow(b: Omit<RollupDims, 'tag'>, tag: string | null): HourlyRow {
  return { ...b, tag, ...zeros(COUNT_COLUMNS) };
}

/**
 * ONE insert … on conflict of `rows` into `table`, counts summed into existing rows: the columns travel
 * as array literals and are unnested in SQL (several times faster to parse than JSON records).
 */
async function upsertRows<R extends object>(
  em: EntityManager,
  table: string,
  key: string,
  text: readonly (keyof R & string)[],
  types: Record<string, string>,
  counts: readonly (keyof R & string)[],
  rows: readonly R[],
): Promise<void> {
  if (!rows.length) return;
  const cols = [...text, ...counts];
  const arrays = cols.map((c) => pgArray(rows.map((r) => r[c] as string | number | null)));
  await executeWithParams(
    em,
    `insert into ${table} as h (${cols.join(', ')})
     select * from unnest(${cols.map((c) => `?::${types[c] ?? 'int'}[]`).join(', ')})
     on conflict (${key}) do update set ${counts.map((c) => `${c} = h.${c} + excluded.${c}`).join(', ')}`,
    arrays,
  );
}

const DIM_TYPES: Record<string, string> = {
  account_id: 'uuid',
  hour: 'timestamptz',
  tenant_id: 'uuid',
  domain_id: 'uuid',
  sender_identity_id: 'uuid',
  template_id: 'uuid',
  tag: 'text',
  country: 'text',
  client: 'text',
  environment: 'text',
};

/**
 * Adds a batch's hourly rows (aggregated, so each key once) in ONE insert … on conflict: counts are summed
 * into existing rows. Their tenants' hourly totals (analytics_hourly_tenant) take the tag-less rows' counts,
 * as the consumer's statement adds them.
 */
export async function upsertHourly(em: EntityManager, rows: readonly HourlyRow[]): Promise<void> {
  await upsertRows(em, 'analytics_hourly', CONFLICT_KEY, DIM_COLUMNS, DIM_TYPES, COUNT_COLUMNS, rows);
  await upsertRows(em, 'analytics_hourly_tenant', 'account_id, tenant_id, hour', ['account_id', 'tenant_id', 'hour'], DIM_TYPES, COUNT_COLUMNS, tenantTotals(rows));
}

/** One row of analytics_hourly_tenant (a tenant's totals of an hour). */
export type TenantHourRow = { account_id: string; tenant_id: string; hour: string } & Record<CountColumn, number>;

/** Each tenant's hourly totals of these hourly rows: their tag-less rows of a tenant, summed by hour (what the consumer adds). Pure. */
export function tenantTotals(rows: readonly HourlyRow[]): TenantHourRow[] {
  const tenants = new Map<string, TenantHourRow>();
  for (const r of rows) {
    if (r.tag !== null || r.tenant_id === null) continue;
    const key = `${r.account_id}|${r.tenant_id}|${r.hour}`;
    let t = tenants.get(key);
    if (!t) tenants.set(key, (t = { account_id: r.account_id, tenant_id: r.tenant_id, hour: r.hour, ...zeros(COUNT_COLUMNS) }));
    for (const c of COUNT_COLUMNS) t[c] += r[c];
  }
  return [...tenants.values()];
}

/** Adds a batch's per-account hourly totals in ONE insert … on conflict. */
export async function upsertAccountHourly(em: EntityManager, rows: readonly AccountHourRow[]): Promise<void> {
  await upsertRows(em, 'analytics_hourly_account', 'account_id, hour', ['account_id', 'hour'], DIM_TYPES, COUNT_COLUMNS, rows);
}

/** Adds a batch's reader rows (opens and clicks by country, client, environment) in ONE insert … on conflict. */
export async function upsertEngagement(em: EntityManager, rows: readonly EngagementRow[]): Promise<void> {
  const dims = [...DIM_COLUMNS, 'country', 'client', 'environment'] as const;
  await upsertRows(em, 'analytics_engagement_hourly', `${CONFLICT_KEY}, country, client, environment`, dims, DIM_TYPES, ENGAGEMENT_COLUMNS, rows);
}
