import type { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared } from '../../db/raw-params.queries';
import { COUNT_COLUMNS, COUNTED, ENGAGEMENT_COLUMN, typeOfColumn, UNKNOWN_KEY } from './rollup';

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

/** `count(*) filter (where type = …)` of each counted type, named as its column, in COUNT_COLUMNS order. */
const COUNTS_SQL = COUNT_COLUMNS.map((c) => `count(*) filter (where e.type = '${typeOfColumn(c)}')::int as ${c}`).join(', ');
const SUMS = (cols: readonly string[]) => cols.map((c) => `sum(${c})::int`).join(', ');
const ADD_COUNTS = (cols: readonly string[]) => cols.map((c) => `${c} = h.${c} + excluded.${c}`).join(', ');

/** A reader text as the API keys it: a non-blank JSON string, trimmed and cut to `max`, else UNKNOWN. */
const READER_TEXT = (key: string, max: number) =>
  `case when jsonb_typeof(e.data->'${key}') = 'string' and btrim(e.data->>'${key}', E' \\t\\n\\r') <> '' then left(btrim(e.data->>'${key}', E' \\t\\n\\r'), ${max}) else '${UNKNOWN_KEY}' end`;
const ENVIRONMENT = `case when jsonb_typeof(e.data->'environment') = 'string' and upper(e.data->>'environment') in ('WEBMAIL', 'DESKTOP', 'MOBILE') then upper(e.data->>'environment') else 'OTHER' end`;

/**
 * Adds the counted events with `afterId < id ≤ upTo` to the four rollup tables in ONE statement, in
 * `em`'s transaction, aggregated by PostgreSQL — no event row travels (the RangeConsumer path). What
 * is counted: each counted event adds 1 to its owners' × template's × UTC hour's row with tag null and
 * to the row of each distinct tag it carries; opens and clicks also to their reader's row (country
 * upper-cased, client, environment WEBMAIL | DESKTOP | MOBILE | OTHER; UNKNOWN when missing or not
 * text); every counted event to its account's hourly totals, and one of a tenant to its tenant's. The events are first counted by owners,
 * template, hour, tag set and reader (`c`), and only those groups are spread over their tags (`t`).
 * No scope: system work over every account.
 */
export async function rollUpRange(em: EntityManager, afterId: string, upTo: string): Promise<void> {
  const dims = 'account_id, hour, tenant_id, domain_id, sender_identity_id, template_id';
  const counts = COUNT_COLUMNS.join(', ');
  const engaged = ENGAGEMENT_COLUMNS.join(', ');
  const reader = (expr: string) => `case when e.type = any($1::text[]) then ${expr} end`;
  await executePrepared(
    em,
    'analytics_roll_up_range',
    `with c as materialized (
       select e.account_id, date_trunc('hour', e.occurred_at, 'UTC') as hour, e.tenant_id, e.domain_id, e.sender_identity_id, e.template_id, e.tags,
         ${reader(`upper(${READER_TEXT('country', 8)})`)} as country, ${reader(READER_TEXT('client', 64))} as client, ${reader(ENVIRONMENT)} as environment,
         ${COUNTS_SQL}
       from activity_events e
       where e.id > $2::bigint and e.id <= $3::bigint and e.type = any($4::text[])
       group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
     t as materialized (
       select ${dims}, null::text as tag, country, client, environment, ${counts} from c
       union all
       select ${dims}, x.tag, country, client, environment, ${counts}
       from c cross join lateral (select distinct y as tag from unnest(c.tags) y) x where cardinality(c.tags) > 0),
     h as (
       insert into analytics_hourly as h (${dims}, tag, ${counts})
       select ${dims}, tag, ${SUMS(COUNT_COLUMNS)} from t group by ${dims}, tag
       on conflict (${CONFLICT_KEY}) do update set ${ADD_COUNTS(COUNT_COLUMNS)} returning 1),
     a as (
       insert into analytics_hourly_account as h (account_id, hour, ${counts})
       select account_id, hour, ${SUMS(COUNT_COLUMNS)} from c group by account_id, hour
       on conflict (account_id, hour) do update set ${ADD_COUNTS(COUNT_COLUMNS)} returning 1),
     n as (
       insert into analytics_hourly_tenant as h (account_id, tenant_id, hour, ${counts})
       select account_id, tenant_id, hour, ${SUMS(COUNT_COLUMNS)} from c where tenant_id is not null group by account_id, tenant_id, hour
       on conflict (account_id, tenant_id, hour) do update set ${ADD_COUNTS(COUNT_COLUMNS)} returning 1),
     g as (
       insert into analytics_engagement_hourly as h (${dims}, tag, country, client, environment, ${engaged})
       select ${dims}, tag, country, client, environment, ${SUMS(ENGAGEMENT_COLUMNS)} from t where country is not null
       group by ${dims}, tag, country, client, environment
       on conflict (${CONFLICT_KEY}, country, client, environment) do update set ${ADD_COUNTS(ENGAGEMENT_COLUMNS)} returning 1)
     select (select count(*) from h) + (select count(*) from a) + (select count(*) from n) + (select count(*) from g) as n`,
    [pgArray(Object.keys(ENGAGEMENT_COLUMN)), afterId, upTo, pgArray(Object.keys(COUNTED))],
  );
}
