import type { EntityManager } from '@mikro-orm/postgresql';
import type { RowScope } from '../../auth/scope';
import { type OwnerColumns, scopeCondition, SqlParams } from '../../db/scope-sql';

const DMARC_OWNERS: OwnerColumns = { account: 'account_id', domain: 'domain_id', tenant: 'tenant_id', accountLevel: false };

/**
 * Messages and DMARC-aligned messages (aligned DKIM or SPF) per monitor over [from, to), for many monitors
 * in one statement, in the reader's scope (applied in the SQL). Monitors without rows are absent. Read-only.
 */
export async function alignmentByMonitor(em: EntityManager, scope: RowScope, monitorIds: readonly string[], from: Date, to: Date): Promise<Map<string, { messages: number; aligned: number }>> {
  const q = new SqlParams();
  const w = [
    scopeCondition(q, scope, 'r', DMARC_OWNERS),
    `r.monitor_id = any(${q.uuids(monitorIds)})`,
    `r.begin_at >= ${q.p(from.toISOString())}::timestamptz`,
    `r.begin_at < ${q.p(to.toISOString())}::timestamptz`,
  ].join(' and ');
  const rows = await em.execute<Record<string, unknown>[]>(
    `select r.monitor_id::text as monitor_id, sum(r.count)::bigint as messages, sum(case when r.dkim_aligned or r.spf_aligned then r.count else 0 end)::bigint as aligned
      from dmarc_report_records r where ${w} group by 1`,
    q.params,
  );
  return new Map(rows.map((r) => [String(r.monitor_id), { messages: Number(r.messages ?? 0), aligned: Number(r.aligned ?? 0) }]));
}
