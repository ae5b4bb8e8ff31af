import type { FilterQuery } from '@mikro-orm/core';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { fromOptionalGlobalId, parseGlobalId, toGlobalId } from '../../graphql/global-id';
import { decodeCursor, type Page, type PageArgs, pageSize, toPage } from '../../graphql/pagination';
import { isUuid } from '../../lib/ids';
import { PrincipalKind } from '../viewer/viewer.types';
import { AuditEntry } from './audit-entry.entity';
import type { AuditLogFilterInput } from './audit.inputs';
import { AuditEntryView } from './audit.types';

const MAX_FILTER_ITEMS = 100;

function globalIds(values: readonly string[] | null | undefined, field: string, types?: readonly string[]): { type: string; id: string }[] | null {
  if (!values?.length) return null;
  if (values.length > MAX_FILTER_ITEMS) throw badInput(field, `${field} takes at most ${MAX_FILTER_ITEMS} items`);
  return values.map((g, i) => {
    const parsed = parseGlobalId(g);
    if (!parsed || !isUuid(parsed.id) || (types && !types.includes(parsed.type))) throw badInput(`${field}[${i}]`, `${field}[${i}] is not a valid id`);
    return parsed;
  });
}

/** The ORM condition of a filter (ids decoded), or BAD_USER_INPUT naming the field. */
export function auditWhere(f: AuditLogFilterInput | null | undefined): FilterQuery<AuditEntry> {
  const and: FilterQuery<AuditEntry>[] = [];
  const actors = globalIds(f?.actorIds, 'filter.actorIds', ['ApiToken', 'Member']);
  if (actors) and.push({ $or: actors.map((a) => ({ actorKind: a.type === 'Member' ? 'MEMBER' : 'API_TOKEN', actorId: a.id })) });
  const targets = globalIds(f?.targetIds, 'filter.targetIds');
  if (targets) and.push({ $or: targets.map((t) => ({ targetType: t.type, targetId: t.id })) });
  if (f?.actions?.length) {
    if (f.actions.length > MAX_FILTER_ITEMS) throw badInput('filter.actions', `filter.actions takes at most ${MAX_FILTER_ITEMS} items`);
    and.push({ action: { $in: [...f.actions] } });
  }
  const tenantId = fromOptionalGlobalId(f?.tenantId, 'Tenant', 'filter.tenantId');
  if (tenantId) and.push({ tenantId });
  if (f?.from && f?.to && f.from >= f.to) throw badInput('filter.to', 'to must be after from');
  if (f?.from) and.push({ at: { $gte: f.from } });
  if (f?.to) and.push({ at: { $lt: f.to } });
  return and.length ? { $and: and } : {};
}

/** An entry as the GraphQL object. Pure. */
export function toAuditView(e: AuditEntry): AuditEntryView {
  const member = e.actorKind === 'MEMBER';
  return {
    id: toGlobalId('AuditEntry', e.id),
    at: e.at,
    actor: {
      kind: member ? PrincipalKind.MEMBER : PrincipalKind.API_TOKEN,
      tokenId: member ? null : toGlobalId('ApiToken', e.actorId),
      memberId: member ? toGlobalId('Member', e.actorId) : null,
      smtpUserId: null,
      name: e.actorName,
    },
    action: e.action,
    target: { type: e.targetType, id: toGlobalId(e.targetType, e.targetId) },
    changes: e.changes,
    requestId: e.requestId,
    ip: e.ip,
  };
}

/**
 * One page of the audit log in the caller's scope (LOGS_READ), newest first: the changes to objects
 * of its tenants, domains and sender identities (account-wide: the account's own changes too).
 */
export async function listAuditLog(ctx: Context, args: PageArgs, filter: AuditLogFilterInput | null | undefined): Promise<Page<AuditEntryView>> {
  requirePermission(ctx, Permission.LOGS_READ);
  const first = pageSize(args.first);
  const before = args.after ? decodeCursor(args.after) : null;
  const where = auditWhere(filter);
  const [rows, totalCount] = await Promise.all([
    ctx.em.find(AuditEntry, before ? { $and: [where, { id: { $lt: before } }] } : where, { orderBy: { id: 'desc' }, limit: first + 1 }),
    ctx.em.count(AuditEntry, where),
  ]);
  return toPage(rows, first, before, totalCount, toAuditView);
}
