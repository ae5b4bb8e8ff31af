import type { EntityManager } from '@mikro-orm/postgresql';
import type { RowScope } from '../../src/auth/scope';
import { uuidv7 } from '../../src/lib/ids';
import { AuditEntry } from '../../src/modules/audit/audit-entry.entity';
import type { RequestLogInsert } from '../../src/modules/logs/request-log-row';
import { countRequestLogs, insertRequestLogs, listRequestLogs, type RequestLogWhere, requestLogsByIds } from '../../src/modules/logs/request-logs.queries';

/** The request id every fixture row carries (so rows the server logs meanwhile are told apart). */
export const FIXTURE_REQUEST_ID = 'request-log-fixture';

/** Owners of one fixture row: label, account, tenant, domain, sender identity (the calling principal's scope). */
export type RequestLogOwner = [label: string, accountId: string, tenantId: string | null, domainId: string | null, identityId: string | null];

/** A request log row for a principal named `label` with these owners. */
export function fixtureRow([label, accountId, tenantId, domainId, identityId]: RequestLogOwner, at = new Date()): RequestLogInsert {
  return {
    id: uuidv7(at.getTime()),
    at: at.toISOString(),
    account_id: accountId,
    request_id: FIXTURE_REQUEST_ID,
    transport: 'HTTP',
    principal_kind: 'API_TOKEN',
    token_id: uuidv7(),
    membership_id: null,
    smtp_user_id: null,
    principal_name: label,
    tenant_id: tenantId,
    domain_id: domainId,
    sender_identity_id: identityId,
    touched_tenant_ids: tenantId ? [tenantId] : [],
    touched_domain_ids: [],
    operation_type: 'QUERY',
    operation_name: 'Fixture',
    fields: ['viewer'],
    outcome: 'OK',
    codes: [],
    status: 200,
    duration_ms: 1,
    bytes: 10,
    ip: '127.0.0.1',
    user_agent: 'fixture',
    request: { query: '{ viewer { kind } }' },
    response: { data: { viewer: { kind: 'API_TOKEN' } } },
  };
}

/** Inserts one request log per owner; returns their ids. Writes. */
export async function seedRequestLogs(em: EntityManager, owners: readonly RequestLogOwner[]): Promise<string[]> {
  const rows = owners.map((o) => fixtureRow(o));
  await insertRequestLogs(em, rows);
  return rows.map((r) => r.id);
}

const NONE: RequestLogWhere = { tokenIds: null, membershipIds: null, smtpUserIds: null, operationNames: ['Fixture'], codes: null, from: null, to: null, tenantId: null };

/** The request log read models for queries-scope: each returns the labels (principal names) of the fixture rows a scope got. */
export function requestLogReads(em: () => EntityManager, ids: () => string[]): Record<string, (scope: RowScope) => Promise<string[]>> {
  const labels = (rows: { request_id: string; principal_name: string }[]) => rows.filter((r) => r.request_id === FIXTURE_REQUEST_ID).map((r) => r.principal_name);
  return {
    'request-logs.queries.ts#listRequestLogs': async (scope) => labels(await listRequestLogs(em(), scope, NONE, null, 100)),
    'request-logs.queries.ts#requestLogsByIds': async (scope) => labels(await requestLogsByIds(em(), scope, NONE, ids())),
    // A count: the fixture rows are the only `Fixture` operations, so it must equal the rows listed (a difference is reported as a label).
    'request-logs.queries.ts#countRequestLogs': async (scope) => {
      const n = await countRequestLogs(em(), scope, NONE);
      const got = labels(await listRequestLogs(em(), scope, NONE, null, 100));
      return n === got.length ? got : [...got, `count ${n}`];
    },
  };
}

/** A request log of an SMTP message of the SMTP user (owned by its domain, as the writer files it), its envelope addresses named after `label`. */
function smtpRow(accountId: string, tenantId: string, label: string, smtp: { smtpUserId: string; domainId: string; name: string }): RequestLogInsert {
  const lower = label.toLowerCase();
  return {
    ...fixtureRow([smtp.name, accountId, null, smtp.domainId, null]),
    transport: 'SMTP',
    principal_kind: 'SMTP_USER',
    token_id: null,
    smtp_user_id: smtp.smtpUserId,
    touched_tenant_ids: [tenantId],
    touched_domain_ids: [smtp.domainId],
    operation_type: 'MUTATION',
    operation_name: 'SMTP DATA',
    fields: ['sendEmail'],
    status: 250,
    user_agent: `helo-${lower}.example`,
    request: { mailFrom: `smtp-from-${lower}@x.example`, rcptTo: [`smtp-rcpt-${lower}@inbox.example.net`], rcptCount: 1 },
    response: { reply: '250 2.0.0 Ok: queued', messageIds: [] },
  };
}

/**
 * A request log of a call by the tenant's token, one of a message its SMTP user submitted, and an audit
 * entry of a change to the tenant (for the authorization matrix); returns the strings they carry. Writes.
 */
export async function seedTenantLogs(em: EntityManager, accountId: string, tenantId: string, label: string, smtp: { smtpUserId: string; domainId: string; name: string }): Promise<string[]> {
  const caller = `Caller of ${label}`;
  const actor = `Actor of ${label}`;
  await insertRequestLogs(em, [{ ...fixtureRow([caller, accountId, tenantId, null, null]), operation_name: `Op${label}` }, smtpRow(accountId, tenantId, label, smtp)]);
  em.create(AuditEntry, {
    account: accountId,
    actorKind: 'API_TOKEN',
    actorId: uuidv7(),
    actorName: actor,
    action: 'TENANT_UPDATED',
    targetType: 'Tenant',
    targetId: tenantId,
    tenantId,
    changes: { name: { before: `Before ${label}`, after: `After ${label}` } },
  });
  await em.flush();
  const lower = label.toLowerCase();
  return [caller, actor, `Op${label}`, `Before ${label}`, `smtp-from-${lower}@`, `smtp-rcpt-${lower}@`, `helo-${lower}.example`];
}
