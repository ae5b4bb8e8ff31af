import type { EntityManager } from '@mikro-orm/postgresql';
import { executeWithParams } from '../../db/raw-params.queries';
import { SqlParams } from '../../db/scope-sql';
import { type AccountHourRow, COUNT_COLUMNS, type EngagementColumn, type EngagementRow, type HourlyRow } from './rollup';

/*
 * The rollup consumer's writes: its batches summed into the rollup tables, and the one lookup it makes.
 * No scope here: the consumer is system work over every account's events (the reads are analytics.queries.ts).
 */

export const ENGAGEMENT_COLUMNS: readonly string[] = ['opened', 'opened_unique', 'clicked', 'clicked_unique'];

const DIM_COLUMNS = ['account_id', 'hour', 'tenant_id', 'domain_id', 'sender_identity_id', 'template_id', 'tag'] as const;
const CONFLICT_KEY = 'account_id, hour, domain_id, tenant_id, sender_identity_id, template_id, tag';

/** A PostgreSQL array literal of texts (null: NULL), each element quoted. Pure. */
export function pgArray(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`;
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

/** Adds a batch's hourly rows (aggregated, so each key once) in ONE insert … on conflict: counts are summed into existing rows. */
export async function upsertHourly(em: EntityManager, rows: readonly HourlyRow[]): Promise<void> {
  await upsertRows(em, 'analytics_hourly', CONFLICT_KEY, DIM_COLUMNS, DIM_TYPES, COUNT_COLUMNS, rows);
}

/** Adds a batch's per-account hourly totals in ONE insert … on conflict. */
export async function upsertAccountHourly(em: EntityManager, rows: readonly AccountHourRow[]): Promise<void> {
  await upsertRows(em, 'analytics_hourly_account', 'account_id, hour', ['account_id', 'hour'], DIM_TYPES, COUNT_COLUMNS, rows);
}

/** Adds a batch's reader rows (opens and clicks by country, client, environment) in ONE insert … on conflict. */
export async function upsertEngagement(em: EntityManager, rows: readonly EngagementRow[]): Promise<void> {
  const dims = [...DIM_COLUMNS, 'country', 'client', 'environment'] as const;
  await upsertRows(em, 'analytics_engagement_hourly', `${CONFLICT_KEY}, country, client, environment`, dims, DIM_TYPES, ENGAGEMENT_COLUMNS as readonly EngagementColumn[], rows);
}

/** The template of each message (absent ids: deleted messages). No scope: the consumer's own lookup. */
export async function templatesOfMessages(em: EntityManager, messageIds: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (!messageIds.length) return out;
  const q = new SqlParams();
  const rows = await em.execute<{ id: string; template_id: string | null }[]>(`select id, template_id from messages where id = any(${q.uuids(messageIds)})`, q.params);
  for (const r of rows) out.set(r.id, r.template_id);
  return out;
}
