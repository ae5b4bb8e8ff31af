import { type CopyConnection, type CopyValue, copyRows, copyRowsOn } from '../../db/copy.queries';
import type { EntityManager } from '@mikro-orm/postgresql';
import { boundedPartitions, type Partition } from '../../db/partitions.queries';
import { type RowScope } from '../../auth/scope';
import { SqlParams, scopeCondition } from '../../db/scope-sql';
import { notifyEachStatement } from '../../pubsub/bus-message';
import type { RequestLogInsert } from './request-log-row';

/** Bus topic of committed request logs: `{ accountId, ids }` (ids only, never data). */
export const REQUEST_LOGGED = 'requestLogged';

/** What is published once a batch of one account's request logs committed (at most 100 ids a message). */
export interface RequestLoggedEvent {
  accountId: string;
  ids: string[];
}

/** A request log filter, ids already decoded. */
export interface RequestLogWhere {
  tokenIds: string[] | null;
  membershipIds: string[] | null;
  smtpUserIds: string[] | null;
  operationNames: string[] | null;
  codes: string[] | null;
  from: Date | null;
  to: Date | null;
  tenantId: string | null;
}

/** A stored request log row as read (the owner columns stay in the database; request and response only when asked for). */
export type RequestLogRow = Omit<RequestLogInsert, 'at' | 'tenant_id' | 'domain_id' | 'sender_identity_id' | 'request' | 'response'> & { at: Date; request?: unknown; response?: unknown };

const LIST_COLUMNS =
  'r.id, r.at, r.account_id, r.request_id, r.transport, r.principal_kind, r.token_id, r.membership_id, r.smtp_user_id, r.principal_name, r.operation_type, r.operation_name, r.fields, r.outcome, r.codes, r.status, r.duration_ms, r.bytes, r.ip, r.user_agent, r.touched_tenant_ids, r.touched_domain_ids';

const COLUMNS = [
  'id',
  'at',
  'account_id',
  'request_id',
  'transport',
  'principal_kind',
  'token_id',
  'membership_id',
  'smtp_user_id',
  'principal_name',
  'tenant_id',
  'domain_id',
  'sender_identity_id',
  'touched_tenant_ids',
  'touched_domain_ids',
  'operation_type',
  'operation_name',
  'fields',
  'outcome',
  'codes',
  'status',
  'duration_ms',
  'bytes',
  'ip',
  'user_agent',
  'request',
  'response',
] as const satisfies readonly (keyof RequestLogInsert)[];

const JSON_COLUMNS: ReadonlySet<string> = new Set(['request', 'response']);

function copyValues(rows: readonly RequestLogInsert[]): CopyValue[][] {
  return rows.map((r) => COLUMNS.map((c) => (JSON_COLUMNS.has(c) && r[c] !== null ? { json: r[c] } : (r[c] as CopyValue))));
}

/** Inserts a batch of request logs with one COPY (every account's; a pooled connection): all or none. Side effect: write. */
export async function insertRequestLogs(em: EntityManager, rows: readonly RequestLogInsert[]): Promise<void> {
  await copyRows(em, 'request_logs', COLUMNS, copyValues(rows));
}

/** `insertRequestLogs` on a node-postgres connection of its own (the writer thread's). Side effect: write. */
export async function insertRequestLogsOn(connection: CopyConnection, rows: readonly RequestLogInsert[]): Promise<void> {
  await copyRowsOn(connection, 'request_logs', COLUMNS, copyValues(rows));
}

/**
 * Announces request logs on the bus (REQUEST_LOGGED, one NOTIFY per event) in the connection's open
 * transaction: PostgreSQL delivers them when it commits, to every process listening, this one included.
 * Side effect: NOTIFY.
 */
export async function notifyRequestsLogged(connection: QueryConnection, events: readonly RequestLoggedEvent[]): Promise<void> {
  if (!events.length) return;
  const { text, values } = notifyEachStatement(REQUEST_LOGGED, events);
  await connection.query(text, values);
}

/** A text[] parameter (as one JSON parameter: knex would spread an array into a list). */
function texts(q: SqlParams, values: readonly string[]): string {
  return `array(select jsonb_array_elements_text(${q.p(JSON.stringify(values))}::jsonb))`;
}

/** A node-postgres connection: what a query needs of it. */
export interface QueryConnection {
  query<R>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * The account of each of these tenants and domains (ids not found are absent), for the writer to keep
 * only the ids a call named in its own account. System read (the writer's batch spans accounts), on the
 * writer thread's own connection.
 */
export async function ownerAccounts(connection: QueryConnection, tenantIds: readonly string[], domainIds: readonly string[]): Promise<Map<string, string>> {
  if (!tenantIds.length && !domainIds.length) return new Map();
  const { rows } = await connection.query<{ id: string; account_id: string }>(
    'select id, account_id from tenants where id = any($1::uuid[]) union all select id, account_id from domains where id = any($2::uuid[])',
    [tenantIds, domainIds],
  );
  return new Map(rows.map((r) => [r.id, r.account_id]));
}

function whereSql(q: SqlParams, scope: RowScope, f: RequestLogWhere): string {
  const parts = [scopeCondition(q, scope, 'r')];
  const who = [
    ...(f.tokenIds ? [`r.token_id = any(${q.uuids(f.tokenIds)})`] : []),
    ...(f.membershipIds ? [`r.membership_id = any(${q.uuids(f.membershipIds)})`] : []),
    ...(f.smtpUserIds ? [`r.smtp_user_id = any(${q.uuids(f.smtpUserIds)})`] : []),
  ];
  if (who.length) parts.push(`(${who.join(' or ')})`);
  if (f.operationNames) parts.push(`r.operation_name = any(${texts(q, f.operationNames)})`);
  if (f.codes) parts.push(`(r.codes && ${texts(q, f.codes)}${f.codes.includes('OK') ? ` or r.outcome = 'OK'` : ''})`);
  if (f.from) parts.push(`r.at >= ${q.p(f.from)}`);
  if (f.to) parts.push(`r.at < ${q.p(f.to)}`);
  if (f.tenantId) parts.push(`(r.tenant_id = ${q.p(f.tenantId)} or ${q.uuids([f.tenantId])} <@ r.touched_tenant_ids)`);
  return parts.join(' and ');
}

/** One page of the request logs in the scope and filter, newest first, after id `before` (exclusive), `limit` rows. Scoped read. */
export async function listRequestLogs(em: EntityManager, scope: RowScope, f: RequestLogWhere, before: string | null, limit: number): Promise<RequestLogRow[]> {
  const q = new SqlParams();
  const where = whereSql(q, scope, f);
  const keyset = before ? ` and r.id < ${q.p(before)}` : '';
  return em.execute<RequestLogRow[]>(`select ${LIST_COLUMNS} from request_logs r where ${where}${keyset} order by r.id desc limit ${q.p(limit)}`, q.params);
}

/** How many request logs are in the scope and filter. Scoped read. */
export async function countRequestLogs(em: EntityManager, scope: RowScope, f: RequestLogWhere): Promise<number> {
  const q = new SqlParams();
  const [row] = await em.execute<{ n: string }[]>(`select count(*) as n from request_logs r where ${whereSql(q, scope, f)}`, q.params);
  return Number(row.n);
}

/** The request logs with these ids that are in the scope and filter, with their redacted request and response, oldest first. Scoped read. */
export async function requestLogsByIds(em: EntityManager, scope: RowScope, f: RequestLogWhere, ids: readonly string[]): Promise<RequestLogRow[]> {
  if (!ids.length) return [];
  const q = new SqlParams();
  const where = whereSql(q, scope, f);
  return em.execute<RequestLogRow[]>(`select ${LIST_COLUMNS}, r.request, r.response from request_logs r where ${where} and r.id = any(${q.uuids(ids)}) order by r.id`, q.params);
}

/** Creates the daily partitions from yesterday to `daysAhead` days ahead (idempotent). Writes (DDL). */
export async function ensureRequestLogPartitions(em: EntityManager, daysAhead = 3): Promise<void> {
  await em.execute('select mailroom_ensure_request_log_partitions(1, ?)', [daysAhead]);
}

/** A daily partition of request_logs with its upper bound (exclusive). */
export type RequestLogPartition = Partition;

/** The bounded daily partitions of request_logs (not the default one), oldest first. System read. */
export function requestLogPartitions(em: EntityManager): Promise<RequestLogPartition[]> {
  return boundedPartitions(em, 'request_logs');
}

/**
 * Drops one daily partition in a transaction of its own, waiting at most 5 s for the lock; returns
 * false when the lock was not granted (tried again by the next run). Writes (DDL).
 */
export async function dropRequestLogPartition(em: EntityManager, p: RequestLogPartition): Promise<boolean> {
  if (!/^request_logs_\d{8}$/.test(p.name)) throw new Error(`not a request log partition: ${p.name}`);
  try {
    await em.transactional(async (tx) => {
      await tx.execute(`set local lock_timeout = '5s'`);
      await tx.execute(`drop table "${p.name}"`);
    });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === '55P03') return false;
    throw e;
  }
}

/** Deletes the rows of the default partition older than `before` (rows that arrived outside the prepared days); returns how many. Writes. */
export async function deleteDefaultRequestLogsBefore(em: EntityManager, before: Date): Promise<number> {
  const [row] = await em.execute<{ n: string }[]>(`with gone as (delete from request_logs_default where at < ? returning 1) select count(*) as n from gone`, [before]);
  return Number(row.n);
}
