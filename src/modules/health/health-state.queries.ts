import type { EntityManager } from '@mikro-orm/postgresql';
import type { HealthStatus } from './health';

/** A domain's newly judged status, to store. */
export interface JudgedStatus {
  domainId: string;
  accountId: string;
  tenantId: string | null;
  status: HealthStatus;
}

/**
 * Stores each domain's judged status (one statement) and returns those whose status changed, with the
 * previous one (null: first judged; a first judgement counts as a change unless it is HEALTHY). System
 * write (jobs only): no principal scope applies. Locks the rows until the transaction ends, so two jobs
 * judging one domain agree on what changed.
 */
export async function storeStatuses(
  em: EntityManager,
  rows: readonly JudgedStatus[],
  now: Date,
): Promise<{ domainId: string; accountId: string; previous: HealthStatus | null; status: HealthStatus }[]> {
  if (rows.length === 0) return [];
  const ids = `{${rows.map((r) => r.domainId).join(',')}}`;
  const old = await em.execute<{ domain_id: string; status: HealthStatus }[]>(
    'select domain_id::text as domain_id, status from domain_health_states where domain_id = any(?::uuid[]) order by domain_id for update',
    [ids],
  );
  const before = new Map(old.map((r) => [r.domain_id, r.status]));
  await em.execute(
    `insert into domain_health_states (domain_id, account_id, tenant_id, status, changed_at, checked_at)
       select x.domain_id, x.account_id, x.tenant_id, x.status, ?::timestamptz, ?::timestamptz
       from jsonb_to_recordset(?::jsonb) as x(domain_id uuid, account_id uuid, tenant_id uuid, status text)
     on conflict (domain_id) do update set status = excluded.status, tenant_id = excluded.tenant_id, checked_at = excluded.checked_at,
       changed_at = case when domain_health_states.status = excluded.status then domain_health_states.changed_at else excluded.changed_at end`,
    [now.toISOString(), now.toISOString(), JSON.stringify(rows.map((r) => ({ domain_id: r.domainId, account_id: r.accountId, tenant_id: r.tenantId, status: r.status })))],
  );
  return rows
    .map((r) => ({ domainId: r.domainId, accountId: r.accountId, previous: before.get(r.domainId) ?? null, status: r.status }))
    .filter((c) => c.previous !== c.status && (c.previous !== null || c.status !== 'HEALTHY'));
}

/** Every domain of all accounts after `afterId`, `limit` at a time in id order: what the hourly sweep judges again. System read (jobs only). */
export async function domainsAfter(em: EntityManager, afterId: string, limit: number): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(`select d.id::text as id from domains d where d.id > ?::uuid order by d.id limit ?`, [afterId, limit]);
  return rows.map((r) => r.id);
}
