import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { type Page, type PageArgs, paginate } from '../../graphql/pagination';
import { loadDomain } from '../domains/domain.service';
import { escapeLike } from './sql';
import { publishChangesOnCommit } from './suppression-events';
import { entryTarget, parseEntries, reasonOf } from './suppression-input';
import { Suppression } from './suppression.entity';
import { SuppressionChangeKind, SuppressionSource } from './suppression.enums';
import { type AddSuppressionsInput, type RemoveSuppressionsInput, resolveSuppressionFilter, SUPPRESSION_LIMITS, type SuppressionFilterInput } from './suppressions.inputs';
import { type ChangedEntry, type DeleteWhere, deleteEntries, insertEntries } from './suppressions.queries';
import { rowScope } from '../../auth/scope';
import { audit } from '../audit/audit';

/** A page of the entries in the caller's scope matching the filter, oldest first (SUPPRESSIONS_READ). */
export async function listSuppressions(ctx: Context, args: PageArgs, filterInput: SuppressionFilterInput | null | undefined): Promise<Page<Suppression>> {
  requirePermission(ctx, Permission.SUPPRESSIONS_READ);
  const f = resolveSuppressionFilter(filterInput);
  const where: Record<string, unknown> = {};
  if (f.lists) where.list = { $in: f.lists };
  if (f.domainIds) where.domain = { $in: f.domainIds };
  if (f.tenantId) where.tenant = f.tenantId;
  if (f.query) where.$or = [{ recipient: { $like: `%${escapeLike(f.query)}%` } }, { pattern: { $like: `%${escapeLike(f.query)}%` } }];
  return paginate(ctx.em, Suppression, where as FilterQuery<Suppression>, args);
}

/** Records added or removed entries in the audit log (raw SQL writes the ORM flush does not see), in `em`'s transaction. */
function auditEntries(em: EntityManager, action: 'SUPPRESSION_CREATED' | 'SUPPRESSION_DELETED', rows: readonly ChangedEntry[], reason: string | null): void {
  for (const r of rows) {
    const fields = { list: r.list, recipient: r.recipient, pattern: r.pattern, ...(action === 'SUPPRESSION_CREATED' ? { reason } : {}) };
    const owners = { tenantId: r.tenantId, domainId: r.domainId, senderIdentityId: r.senderIdentityId };
    audit(em, { action, target: { type: 'Suppression', id: r.id }, owners, ...(action === 'SUPPRESSION_CREATED' ? { after: fields } : { before: fields }) });
  }
}

/**
 * Adds addresses (and, for BLOCKLIST, `@domain` and `*` patterns) to a list of a domain in scope, or
 * to the account-wide blocklist (SUPPRESSIONS_MANAGE). Entries already there stay as they were.
 * Returns the entries; the new ones are published (bus, platform events) with the commit.
 */
export async function addSuppressions(ctx: Context, input: AddSuppressionsInput): Promise<Suppression[]> {
  const scope = requirePermission(ctx, Permission.SUPPRESSIONS_MANAGE);
  const reason = reasonOf(input.reason);
  const parsed = parseEntries(input.list, input.recipients ?? [], input.patterns ?? []);
  const target = await entryTarget(ctx, scope.accountId, input.list, input.domainId);
  await ctx.em.transactional(async (em) => {
    const added = await insertEntries(
      em,
      parsed.map((p) => ({ ...target, senderIdentityId: null, ...p, reason, source: SuppressionSource.API })),
    );
    auditEntries(em, 'SUPPRESSION_CREATED', added, reason);
    await publishChangesOnCommit(em, SuppressionChangeKind.ADDED, added);
  });
  const recipients = parsed.flatMap((p) => (p.recipient ? [p.recipient] : []));
  const patterns = parsed.flatMap((p) => (p.pattern ? [p.pattern] : []));
  const which = [...(recipients.length ? [{ recipient: { $in: recipients } }] : []), ...(patterns.length ? [{ pattern: { $in: patterns } }] : [])];
  return ctx.em.fork().find(Suppression, { list: input.list, domain: target.domainId, senderIdentity: null, $or: which }, { orderBy: { id: 'asc' } });
}

/**
 * Removes entries in the caller's scope (SUPPRESSIONS_MANAGE): by id, or with `all` every entry of a
 * list and/or domain (the domain must be in scope: NOT_FOUND otherwise). Entries outside the scope are
 * never touched nor counted. Returns how many were removed; they are published (bus, platform events) with the commit.
 */
export async function removeSuppressions(ctx: Context, input: RemoveSuppressionsInput): Promise<number> {
  const scope = requirePermission(ctx, Permission.SUPPRESSIONS_MANAGE);
  const ids = input.ids?.length ? input.ids.map((g, i) => fromGlobalId(g, 'Suppression', `ids[${i}]`)) : null;
  if (ids && ids.length > SUPPRESSION_LIMITS.removeIds) throw badInput('ids', `at most ${SUPPRESSION_LIMITS.removeIds} ids at once`);
  if (!ids && !input.all) throw badInput('ids', 'name the entries by ids, or pass all: true with a list and/or domainId');
  if (!ids && !input.list && !input.domainId) throw badInput('all', 'all: true needs a list and/or a domainId');
  const where: DeleteWhere = { ids, list: input.list ?? null };
  if (input.domainId) where.domainId = (await loadDomain(ctx, input.domainId, 'domainId')).id;
  const removed = await ctx.em.transactional(async (em) => {
    const rows = await deleteEntries(em, rowScope(scope), where);
    auditEntries(em, 'SUPPRESSION_DELETED', rows, null);
    await publishChangesOnCommit(em, SuppressionChangeKind.REMOVED, rows);
    return rows;
  });
  return removed.length;
}
