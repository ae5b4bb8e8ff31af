import type { EntityManager } from '@mikro-orm/postgresql';
import { executeWithParams } from '../../db/raw-params.queries';
import { COUNT_COLUMNS, COUNTED, type CountColumn, ENGAGEMENT_COLUMN, typeOfColumn, UNKNOWN_KEY } from './rollup';

/*
 * The rollup consumer's writes: its ranges of events summed into the rollup tables by PostgreSQL.
 * No scope here: the consumer is system work over every account's events (the reads are analytics.queries.ts).
 */

export const ENGAGEMENT_COLUMNS: readonly string[] = ['opened', 'opened_unique', 'clicked', 'clicked_unique'];

const CONFLICT_KEY = 'account_id, hour, domain_id, tenant_id, sender_identity_id, template_id, tag';

/** A PostgreSQL array literal of texts (null: NULL), each element quoted. Pure. */
export function pgArray(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`;
}

/** `count(*) filter (where type = …)` of each counted type, in COUNT_COLUMNS order. */
const COUNTS_SQL = COUNT_COLUMNS.map((c) => `count(*) filter (where type = '${typeOfColumn(c)}')::int`).join(', ');
const ENGAGEMENT_SQL = ENGAGEMENT_COLUMNS.map((c) => `count(*) filter (where type = '${typeOfColumn(c as CountColumn)}')::int`).join(', ');
const ADD_COUNTS = (cols: readonly string[]) => cols.map((c) => `${c} = h.${c} + excluded.${c}`).join(', ');

/** A reader text as readerOf takes it: a non-blank JSON string, trimmed and cut to `max`, else UNKNOWN. */
const READER_TEXT = (key: string, max: number) =>
  `case when jsonb_typeof(data->'${key}') = 'string' and btrim(data->>'${key}', E' \\t\\n\\r') <> '' then left(btrim(data->>'${key}', E' \\t\\n\\r'), ${max}) else '${UNKNOWN_KEY}' end`;

/**
 * Adds the counted events with `afterId < id ≤ upTo` to the three rollup tables in ONE statement, in
 * `em`'s transaction, aggregated by PostgreSQL — no event row travels (the RangeConsumer path). Counts
 * exactly what rollup.ts describes: each counted event adds 1 to its owners' × template's × UTC hour's
 * row with tag null and to the row of each distinct tag of it; opens and clicks also to their reader's
 * row (country upper-cased, client, environment WEBMAIL | DESKTOP | MOBILE | OTHER; UNKNOWN when missing);
 * and every counted event to its account's hourly totals. No scope: system work over every account.
 */
export async function rollUpRange(em: EntityManager, afterId: string, upTo: string): Promise<void> {
  const dims = 'account_id, hour, tenant_id, domain_id, sender_identity_id, template_id, tag';
  const counts = COUNT_COLUMNS.join(', ');
  await executeWithParams(
    em,
    `with ev as materialized (
       select e.account_id, date_trunc('hour', e.occurred_at, 'UTC') as hour, e.tenant_id, e.domain_id, e.sender_identity_id, m.template_id, e.type, e.tags, e.data
       from activity_events e left join messages m on m.id = e.message_id
       where e.id > ?::bigint and e.id <= ?::bigint and e.type = any(?::text[])),
     tagged as materialized (
       select ev.*, t.tag from ev cross join lateral (select null::text as tag union all select distinct x from unnest(ev.tags) x) t),
     h as (
       insert into analytics_hourly as h (${dims}, ${counts})
       select ${dims}, ${COUNTS_SQL} from tagged group by ${dims}
       on conflict (${CONFLICT_KEY}) do update set ${ADD_COUNTS(COUNT_COLUMNS)} returning 1),
     a as (
       insert into analytics_hourly_account as h (account_id, hour, ${counts})
       select account_id, hour, ${COUNTS_SQL} from ev group by account_id, hour
       on conflict (account_id, hour) do update set ${ADD_COUNTS(COUNT_COLUMNS)} returning 1),
     g as (
       insert into analytics_engagement_hourly as h (${dims}, country, client, environment, ${ENGAGEMENT_COLUMNS.join(', ')})
       select ${dims}, upper(${READER_TEXT('country', 8)}), ${READER_TEXT('client', 64)},
         case when jsonb_typeof(data->'environment') = 'string' and upper(data->>'environment') in ('WEBMAIL', 'DESKTOP', 'MOBILE') then upper(data->>'environment') else 'OTHER' end,
         ${ENGAGEMENT_SQL}
       from tagged where type = any(?::text[]) group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
       on conflict (${CONFLICT_KEY}, country, client, environment) do update set ${ADD_COUNTS(ENGAGEMENT_COLUMNS)} returning 1)
     select (select count(*) from h) + (select count(*) from a) + (select count(*) from g) as n`,
    [afterId, upTo, pgArray(Object.keys(COUNTED)), pgArray(Object.keys(ENGAGEMENT_COLUMN))],
  );
}
