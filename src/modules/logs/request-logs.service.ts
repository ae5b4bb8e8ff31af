import { Permission } from '../../auth/permissions';
import { rowScope, type RowScope } from '../../auth/scope';
import { type Context, requirePermission } from '../../context';
import { badInput, notFound } from '../../graphql/errors';
import { fromGlobalId, fromOptionalGlobalId, toGlobalId } from '../../graphql/global-id';
import { decodeCursor, type Page, type PageArgs, pageSize, toPage } from '../../graphql/pagination';
import { isUuid } from '../../lib/ids';
import { PrincipalKind } from '../viewer/viewer.types';
import type { RequestLogFilterInput } from './request-logs.inputs';
import { countRequestLogs, listRequestLogs, REQUEST_LOGGED, type RequestLoggedEvent, type RequestLogRow, type RequestLogWhere, requestLogsByIds } from './request-logs.queries';
import { OperationType, RequestLog, RequestOutcome, RequestTransport } from './request-logs.types';
import { expandEach } from '../../lib/expand';

/** Most items in one list of a filter. */
const MAX_FILTER_ITEMS = 100;

function list<T>(values: readonly T[] | null | undefined, field: string): readonly T[] | null {
  if (!values?.length) return null;
  if (values.length > MAX_FILTER_ITEMS) throw badInput(field, `${field} takes at most ${MAX_FILTER_ITEMS} items`);
  return values;
}

/** Decodes a filter (global ids, time range) or throws BAD_USER_INPUT naming the field. */
export function resolveRequestLogFilter(f: RequestLogFilterInput | null | undefined): RequestLogWhere {
  const ids = (field: 'tokenIds' | 'memberIds' | 'smtpUserIds', type: string) => list(f?.[field], `filter.${field}`)?.map((g, i) => fromGlobalId(g, type, `filter.${field}[${i}]`)) ?? null;
  const from = f?.from ?? null;
  const to = f?.to ?? null;
  if (from && to && from >= to) throw badInput('filter.to', 'to must be after from');
  return {
    tokenIds: ids('tokenIds', 'ApiToken'),
    membershipIds: ids('memberIds', 'Member'),
    smtpUserIds: ids('smtpUserIds', 'SmtpUser'),
    operationNames: list(f?.operationNames, 'filter.operationNames')?.slice() ?? null,
    codes: list(f?.codes, 'filter.codes')?.slice() ?? null,
    from,
    to,
    tenantId: fromOptionalGlobalId(f?.tenantId, 'Tenant', 'filter.tenantId'),
  };
}

/** A stored row as the GraphQL object. Pure. */
export function toRequestLog(r: RequestLogRow): RequestLog {
  return {
    id: toGlobalId('RequestLog', r.id),
    at: new Date(r.at),
    requestId: r.request_id,
    transport: r.transport as RequestTransport,
    principal: {
      kind: r.principal_kind as PrincipalKind,
      tokenId: r.token_id ? toGlobalId('ApiToken', r.token_id) : null,
      memberId: r.membership_id ? toGlobalId('Member', r.membership_id) : null,
      smtpUserId: r.smtp_user_id ? toGlobalId('SmtpUser', r.smtp_user_id) : null,
      name: r.principal_name,
    },
    operationType: r.operation_type as OperationType,
    operationName: r.operation_name,
    fields: r.fields,
    outcome: r.outcome as RequestOutcome,
    codes: r.codes,
    status: r.status,
    durationMs: r.duration_ms,
    bytes: r.bytes,
    ip: r.ip,
    userAgent: r.user_agent,
    tenantIds: r.touched_tenant_ids.map((id) => toGlobalId('Tenant', id)),
    domainIds: r.touched_domain_ids.map((id) => toGlobalId('Domain', id)),
    request: (r.request as Record<string, unknown> | undefined) ?? null,
    response: (r.response as Record<string, unknown> | undefined) ?? null,
  };
}

function readScope(ctx: Context): RowScope {
  return rowScope(requirePermission(ctx, Permission.LOGS_READ));
}

/** One page of the request logs of calls by principals in the caller's scope, newest first (LOGS_READ). */
export async function listRequestLogPage(ctx: Context, args: PageArgs, filter: RequestLogFilterInput | null | undefined): Promise<Page<RequestLog>> {
  const scope = readScope(ctx);
  const first = pageSize(args.first);
  const before = args.after ? decodeCursor(args.after) : null;
  const where = resolveRequestLogFilter(filter);
  const [rows, totalCount] = await Promise.all([listRequestLogs(ctx.em, scope, where, before, first + 1), countRequestLogs(ctx.em, scope, where)]);
  return toPage(rows, first, before, totalCount, toRequestLog);
}

const NO_FILTER: RequestLogWhere = { tokenIds: null, membershipIds: null, smtpUserIds: null, operationNames: null, codes: null, from: null, to: null, tenantId: null };

/** One request log with its redacted request and response (LOGS_READ); NOT_FOUND when missing or outside the scope, BAD_USER_INPUT when not a RequestLog id. */
export async function getRequestLog(ctx: Context, gid: string): Promise<RequestLog> {
  const scope = readScope(ctx);
  const id = fromGlobalId(gid, 'RequestLog', 'id');
  const [row] = await requestLogsByIds(ctx.em, scope, NO_FILTER, [id]);
  if (!row) throw notFound('RequestLog');
  return toRequestLog(row);
}

function isEvent(e: unknown): e is RequestLoggedEvent {
  return typeof e === 'object' && e !== null && typeof (e as RequestLoggedEvent).accountId === 'string' && Array.isArray((e as RequestLoggedEvent).ids);
}

/**
 * The live stream of request logs in the caller's scope and filter (LOGS_READ), as each batch commits:
 * the bus says which ids of which account were written; other accounts' messages are dropped unread,
 * and the rest are read again through the caller's scope and filter, so nothing outside it is yielded.
 */
export async function requestLogStream(ctx: Context, filter: RequestLogFilterInput | null | undefined): Promise<AsyncIterable<RequestLog>> {
  const scope = readScope(ctx);
  const where = resolveRequestLogFilter(filter);
  // expandEach, not an async generator: a subscriber leaving ends the bus listener at once.
  return expandEach(ctx.deps.bus.subscribe(REQUEST_LOGGED), async (e) => {
    if (!isEvent(e) || e.accountId !== scope.accountId) return [];
    const ids = e.ids.filter((id) => typeof id === 'string' && isUuid(id));
    ctx.renew();
    return (await requestLogsByIds(ctx.em, scope, where, ids)).map(toRequestLog);
  });
}
