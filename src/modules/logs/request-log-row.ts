import type { DocumentNode } from 'graphql';
import { isAccountWide, type Scope } from '../../auth/scope';
import type { ObservedCaller, ObservedOperation, RestCallInfo, SmtpCallInfo } from '../../http/operation-observer';
import { uuidv7 } from '../../lib/ids';
import { operationInfo, type TouchedIds, touchedIds } from './operation-info';
import { redactDocument, redactValue, redactVariables, type SensitiveKeys } from './redact';

/** Largest response body (bytes) kept whole in a request log; a larger one keeps its errors only. */
export const MAX_STORED_RESPONSE = 64 * 1024;

/** A request log row as inserted (snake_case, JSON-ready). */
export interface RequestLogInsert {
  id: string;
  at: string;
  account_id: string;
  request_id: string;
  transport: string;
  principal_kind: string;
  token_id: string | null;
  membership_id: string | null;
  smtp_user_id: string | null;
  principal_name: string;
  tenant_id: string | null;
  domain_id: string | null;
  sender_identity_id: string | null;
  touched_tenant_ids: string[];
  touched_domain_ids: string[];
  operation_type: string;
  operation_name: string | null;
  fields: string[];
  outcome: 'OK' | 'ERROR';
  codes: string[];
  status: number | null;
  duration_ms: number;
  bytes: number;
  ip: string | null;
  user_agent: string | null;
  request: unknown;
  response: unknown;
}

/**
 * Which single owner a principal's scope is (a tenant, domain or sender-identity token): the row's owner
 * columns, so a reader sees the calls of principals inside its own scope. Any other scope (account-wide,
 * all domains, a member with several domains) owns nothing: its calls are the account's own. Pure.
 */
export function principalOwner(s: Scope): { tenant: string | null; domain: string | null; identity: string | null } {
  const none = { tenant: null, domain: null, identity: null };
  if (isAccountWide(s) || s.allDomains) return none;
  if (s.tenantIds.length === 1) return { ...none, tenant: s.tenantIds[0] };
  if (s.tenantIds.length === 0 && s.domainIds.length === 1 && s.identityIds.length === 0) return { ...none, domain: s.domainIds[0] };
  if (s.tenantIds.length === 0 && s.domainIds.length === 0 && s.identityIds.length === 1) return { ...none, identity: s.identityIds[0] };
  return none;
}

/** The named ids the scope reaches (an account-wide or all-domains scope: all, checked against the account when written). Pure. */
function inScope(s: Scope, t: TouchedIds): TouchedIds {
  if (s.allDomains) return t;
  return { tenantIds: t.tenantIds.filter((id) => s.readableTenantIds.includes(id) || s.tenantIds.includes(id)), domainIds: t.domainIds.filter((id) => s.domainIds.includes(id)) };
}

type ResultLike = { data?: unknown; errors?: readonly { message?: string; extensions?: Record<string, unknown> }[] };

function resultOf(response: string | null): { result: ResultLike | null; bytes: number; whole: boolean } {
  if (response === null) return { result: null, bytes: 0, whole: true };
  const bytes = Buffer.byteLength(response);
  // A body too large to keep keeps its errors only: without any, it need not be parsed (a dashboard answer is ~86 kB).
  if (bytes > MAX_STORED_RESPONSE && !response.includes('"errors"')) return { result: { errors: [] }, bytes, whole: false };
  try {
    return { result: JSON.parse(response) as ResultLike, bytes, whole: bytes <= MAX_STORED_RESPONSE };
  } catch {
    return { result: null, bytes, whole: false };
  }
}

function storedResponse(result: ResultLike | null, whole: boolean, keys: SensitiveKeys): unknown {
  if (!result) return null;
  const errors = (result.errors ?? []).map((e) => ({ message: e.message, extensions: redactValue(e.extensions ?? {}) }));
  if (!whole) return { errors, truncated: true };
  return { data: redactValue(result.data ?? null, keys.responseKeys), errors };
}

/** A GraphQL document as it crosses to the writer thread: its source text (one object per parsed document, so a batch carries each once). */
export interface DocumentSource {
  readonly query: string;
}

/**
 * An observed operation as the writer keeps it until its flush and hands it to its thread: plain data
 * (what structured cloning copies), the request's context cut down to the caller — the whole context (an
 * entity manager fork, loaders) kept a second per request would be carried into the old generation of the
 * heap — the document as its source, the response as the JSON text the client got.
 */
export type LoggedOperation = Omit<ObservedOperation, 'ctx' | 'document' | 'response'> & { ctx: ObservedCaller; document: DocumentSource | null; response: string | null };

/** A logged operation with its document parsed again (in the writer thread): what a row is made of. */
export type RowOperation = Omit<LoggedOperation, 'document'> & { document: DocumentNode | null };

/** The columns that say what the call was and answered (the rest say who called, when and from where). */
type CallColumns = Pick<RequestLogInsert, 'operation_type' | 'operation_name' | 'fields' | 'codes' | 'bytes' | 'request' | 'response'> & { touched: TouchedIds };

/** A GraphQL operation's columns: type, name and root fields from its document; the document and variables redacted. Pure. */
function graphqlColumns(op: RowOperation, scope: Scope): CallColumns {
  const info = op.document ? operationInfo(op.document, op.operationName) : null;
  const redacted = op.document ? redactDocument(op.document) : { query: '', keys: { variables: new Set<string>(), responseKeys: new Set<string>() } };
  const { result, bytes, whole } = resultOf(op.response);
  return {
    operation_type: (info?.type ?? 'query').toUpperCase(),
    operation_name: info?.name ?? op.operationName ?? null,
    fields: info?.fields ?? [],
    codes: [...new Set((result?.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))],
    bytes,
    request: { query: redacted.query, operationName: op.operationName, variables: redactVariables(op.variables ?? null, redacted.keys) },
    response: storedResponse(result, whole, redacted.keys),
    touched: op.document ? inScope(scope, touchedIds(op.document, op.variables)) : { tenantIds: [], domainIds: [] },
  };
}

/**
 * A REST call's columns: its type, name (`POST /v1/email`) and the GraphQL fields it ran as the caller
 * gave them; the request (method, path, query, body) and the JSON answer redacted like variables and
 * data (message content, secrets). Pure.
 */
function restColumns(op: RowOperation, rest: RestCallInfo, scope: Scope): CallColumns {
  const text = op.response ?? '';
  const bytes = Buffer.byteLength(text);
  let body: unknown = null;
  try {
    body = text && bytes <= MAX_STORED_RESPONSE ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return {
    operation_type: rest.operationType.toUpperCase(),
    operation_name: op.operationName,
    fields: rest.fields,
    codes: rest.codes,
    bytes,
    request: { method: rest.request.method, path: rest.request.path, query: redactValue(rest.request.query), body: redactValue(rest.request.body) },
    response: bytes > MAX_STORED_RESPONSE ? { truncated: true } : { body: redactValue(body) },
    touched: inScope(scope, rest.touched),
  };
}

/**
 * An SMTP message transaction's columns: a sendEmail mutation named `SMTP DATA`; the request is the
 * envelope (MAIL FROM, the RCPT TO addresses and their count: kept as REST keeps recipients, redacted
 * by the same rules), never the message; the response is the reply line and the message ids queued;
 * bytes are the message's size. It acted in the SMTP user's domain and tenant. Pure.
 */
function smtpColumns(op: RowOperation, smtp: SmtpCallInfo, scope: Scope): CallColumns {
  const { mailFrom, rcptTo } = smtp.envelope;
  return {
    operation_type: 'MUTATION',
    operation_name: op.operationName,
    fields: ['sendEmail'],
    codes: smtp.codes,
    bytes: smtp.messageBytes,
    request: redactValue({ mailFrom, rcptTo, rcptCount: rcptTo.length }),
    response: { reply: op.response, messageIds: smtp.messageIds },
    touched: inScope(scope, { tenantIds: [...scope.readableTenantIds], domainIds: [...scope.domainIds] }),
  };
}

function callColumns(op: RowOperation, scope: Scope): CallColumns {
  if (op.smtp) return smtpColumns(op, op.smtp, scope);
  return op.rest ? restColumns(op, op.rest, scope) : graphqlColumns(op, scope);
}

/** Turns an observed operation (GraphQL, REST or SMTP) into its row: redacted request and response, outcome and codes; null for the public (no account to file it under). */
export function toRequestLogRow(op: RowOperation): RequestLogInsert | null {
  const p = op.ctx.principal;
  if (p.kind === 'PUBLIC') return null;
  const { touched, ...call } = callColumns(op, p.scope);
  // An SMTP user acts as a token principal (see Principal) but is no ApiToken: its own kind and column.
  const smtpUserId = p.kind === 'API_TOKEN' ? (p.smtpUserId ?? null) : null;
  const owner = principalOwner(p.scope);
  return {
    id: uuidv7(op.at.getTime()),
    at: op.at.toISOString(),
    account_id: p.scope.accountId,
    request_id: op.ctx.requestId,
    transport: op.transport,
    principal_kind: smtpUserId ? 'SMTP_USER' : p.kind,
    token_id: p.kind === 'API_TOKEN' && !smtpUserId ? p.tokenId : null,
    membership_id: p.kind === 'MEMBER' ? p.membershipId : null,
    smtp_user_id: smtpUserId,
    principal_name: p.label,
    tenant_id: owner.tenant,
    domain_id: owner.domain,
    sender_identity_id: owner.identity,
    touched_tenant_ids: [...new Set([...p.scope.tenantIds, ...touched.tenantIds])],
    touched_domain_ids: touched.domainIds,
    ...call,
    outcome: call.codes.length ? 'ERROR' : 'OK',
    status: op.status,
    duration_ms: Math.max(0, Math.round(op.durationMs)),
    ip: op.ctx.clientIp,
    user_agent: op.userAgent ? op.userAgent.slice(0, 512) : null,
  };
}
