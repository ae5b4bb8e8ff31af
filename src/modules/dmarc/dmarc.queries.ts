import type { EntityManager } from '@mikro-orm/postgresql';
import type { RowScope } from '../../auth/scope';
import { type OwnerColumns, scopeCondition, SqlParams } from '../../db/scope-sql';

/** The owner columns of the DMARC tables: every row has a domain and its tenant (no account-level rows). */
const DMARC_OWNERS: OwnerColumns = { account: 'account_id', domain: 'domain_id', tenant: 'tenant_id', accountLevel: false };

/** Which rows of one monitor a read covers: reports whose period begins in [from, to). */
export interface DmarcRange {
  monitorId: string;
  from: Date;
  to: Date;
}

/** Counts of one source IP over a range. */
export interface SourceRow {
  ip: string;
  count: number;
  dmarcPass: number;
  dmarcFail: number;
  spfPass: number;
  spfFail: number;
  dkimPass: number;
  dkimFail: number;
  /** The disposition of most of its messages (none, pass, quarantine, reject). */
  disposition: string;
}

/** Messages one reporter reported over a range. */
export interface ReporterRow {
  orgName: string;
  email: string;
  reports: number;
  count: number;
}

function rangeWhere(q: SqlParams, scope: RowScope, range: DmarcRange, a: string): string {
  return [
    scopeCondition(q, scope, a, DMARC_OWNERS),
    `${a}.monitor_id = ${q.p(range.monitorId)}`,
    `${a}.begin_at >= ${q.p(range.from.toISOString())}::timestamptz`,
    `${a}.begin_at < ${q.p(range.to.toISOString())}::timestamptz`,
  ].join(' and ');
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * Per source IP of a monitor's report rows over a range, in the reader's scope (applied in the SQL):
 * messages, DMARC pass (aligned DKIM or SPF) and fail, aligned SPF and DKIM pass and fail, and the
 * disposition of most messages; busiest first, at most `limit` sources, plus how many sources there are.
 */
export async function sourceRows(em: EntityManager, scope: RowScope, range: DmarcRange, limit: number): Promise<{ rows: SourceRow[]; total: number }> {
  const q = new SqlParams();
  const sql = `with r as (select * from dmarc_report_records x where ${rangeWhere(q, scope, range, 'x')}),
    d as (select distinct on (source_ip) source_ip, disposition from (select source_ip, disposition, sum(count) as n from r group by 1, 2) t order by source_ip, n desc, disposition),
    s as (select source_ip,
        sum(count)::bigint as count,
        sum(case when dkim_aligned or spf_aligned then count else 0 end)::bigint as dmarc_pass,
        sum(case when dkim_aligned or spf_aligned then 0 else count end)::bigint as dmarc_fail,
        sum(case when spf_aligned then count else 0 end)::bigint as spf_pass,
        sum(case when spf_aligned then 0 else count end)::bigint as spf_fail,
        sum(case when dkim_aligned then count else 0 end)::bigint as dkim_pass,
        sum(case when dkim_aligned then 0 else count end)::bigint as dkim_fail
      from r group by source_ip)
    select s.*, d.disposition, count(*) over () as total from s join d using (source_ip)
    order by s.count desc, s.source_ip limit ${q.p(limit)}`;
  const rows = await em.execute<Record<string, unknown>[]>(sql, q.params);
  return {
    total: rows.length ? num(rows[0].total) : 0,
    rows: rows.map((r) => ({
      ip: String(r.source_ip),
      count: num(r.count),
      dmarcPass: num(r.dmarc_pass),
      dmarcFail: num(r.dmarc_fail),
      spfPass: num(r.spf_pass),
      spfFail: num(r.spf_fail),
      dkimPass: num(r.dkim_pass),
      dkimFail: num(r.dkim_fail),
      disposition: String(r.disposition),
    })),
  };
}

/** The reporters of a monitor's reports over a range, in the reader's scope: reports and messages each, most messages first. */
export async function reporterRows(em: EntityManager, scope: RowScope, range: DmarcRange): Promise<ReporterRow[]> {
  const q = new SqlParams();
  const sql = `select org_name, email, count(*)::bigint as reports, sum(message_count)::bigint as count from dmarc_reports p
    where ${rangeWhere(q, scope, range, 'p')} group by org_name, email order by count desc, org_name, email limit 500`;
  const rows = await em.execute<Record<string, unknown>[]>(sql, q.params);
  return rows.map((r) => ({ orgName: String(r.org_name), email: String(r.email), reports: num(r.reports), count: num(r.count) }));
}

/** Messages and DMARC-aligned messages (aligned DKIM or SPF) of a monitor over a range, in the reader's scope. */
export async function alignmentTotals(em: EntityManager, scope: RowScope, range: DmarcRange): Promise<{ messages: number; aligned: number }> {
  const q = new SqlParams();
  const sql = `select coalesce(sum(count), 0)::bigint as messages, coalesce(sum(case when dkim_aligned or spf_aligned then count else 0 end), 0)::bigint as aligned
    from dmarc_report_records r where ${rangeWhere(q, scope, range, 'r')}`;
  const [row] = await em.execute<Record<string, unknown>[]>(sql, q.params);
  return { messages: num(row?.messages), aligned: num(row?.aligned) };
}
