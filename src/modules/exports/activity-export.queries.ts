import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { RowScope } from '../../auth/scope';
import { type OwnerColumns, scopeCondition, SqlParams } from '../../db/scope-sql';
import type { ResolvedFilter } from '../activity/activity-filter';

/** The owner columns of activity_events: no account-level events (as its ORM filter: every event has a domain). */
export const EVENT_OWNERS: OwnerColumns = { account: 'account_id', domain: 'domain_id', tenant: 'tenant_id', identity: 'sender_identity_id', accountLevel: false };

/** The filter as SQL over alias `e` (the SQL twin of activity-filter's filterWhere), its values added to `q`. */
export function eventFilterCondition(q: SqlParams, f: ResolvedFilter): string {
  const parts: string[] = ['true'];
  if (f.tenantId) parts.push(`e.tenant_id = ${q.p(f.tenantId)}`);
  if (f.domainIds) parts.push(`e.domain_id = any(${q.uuids(f.domainIds)})`);
  if (f.senderIdentityIds) parts.push(`e.sender_identity_id = any(${q.uuids(f.senderIdentityIds)})`);
  if (f.messageId) parts.push(`e.message_id = ${q.p(f.messageId)}`);
  if (f.types) parts.push(`e.type = any(${q.p(f.types)}::text[])`);
  if (f.tags) parts.push(`e.tags && ${q.p(f.tags)}::text[]`);
  if (f.recipient) parts.push(`e.recipient = ${q.p(f.recipient)}`);
  if (f.from) parts.push(`e.occurred_at >= ${q.p(f.from)}`);
  if (f.to) parts.push(`e.occurred_at < ${q.p(f.to)}`);
  return parts.join(' and ');
}

/**
 * The export query (node-postgres placeholders): every event in `scope` matching `filter`, in id
 * (commit) order, details as JSON text (passed through, never parsed), with its message's metadata — status, From, Message-ID header — and never its
 * content (subject, bodies, headers, variables).
 */
export function activityExportQuery(scope: RowScope, filter: ResolvedFilter): { sql: string; params: unknown[] } {
  const q = new SqlParams('pg');
  const where = `${scopeCondition(q, scope, 'e', EVENT_OWNERS)} and ${eventFilterCondition(q, filter)}`;
  const sql = `select e.id, e.account_id, to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at, e.type, e.message_id, e.tenant_id, e.domain_id, e.sender_identity_id, e.recipient, e.tags, e.data::text as data,
      m.status, m.from_email, m.message_id_header, d.name as domain
    from activity_events e
    join messages m on m.id = e.message_id and m.account_id = e.account_id
    left join domains d on d.id = e.domain_id and d.account_id = e.account_id
    where ${where} order by e.id`;
  return { sql, params: q.params };
}

/**
 * Streams the export rows (see activityExportQuery) from a server-side cursor, 1,000 rows at a time
 * with backpressure, to `consume`; the pool connection is held until it returns. Read-only.
 */
export async function streamActivityExport(em: EntityManager, scope: RowScope, filter: ResolvedFilter, consume: (rows: Readable) => Promise<void>): Promise<void> {
  const { sql, params } = activityExportQuery(scope, filter);
  const knex = em.getConnection().getKnex();
  const client = (await knex.client.acquireConnection()) as PoolClient;
  try {
    await consume(client.query(new QueryStream(sql, params, { batchSize: 1000 })));
  } finally {
    await knex.client.releaseConnection(client);
  }
}
