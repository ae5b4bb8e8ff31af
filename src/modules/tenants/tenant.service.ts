import { type Context, requireAccountWide, requirePermission, requireScope } from '../../context';
import { publishCredentialsChanged } from '../../auth/credential-cache';
import { Permission } from '../../auth/permissions';
import { isUniqueViolation } from '../../db/errors';
import { AppError, conflict } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { type Page, paginateRows, type PageArgs } from '../../graphql/pagination';
import type { Row } from '../../db/read-rows';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { mergeOnHoldPolicy } from './on-hold-policy';
import { mergeRetention } from './retention-policy';
import { Tenant } from './tenant.entity';
import type { CreateTenantInput, DeleteTenantInput, UpdateTenantInput } from './tenant.inputs';
import { findInScope } from '../../db/find-in-scope';
import { auditDeletion } from '../audit/audit-subscriber';

/** Loads a tenant in the caller's scope by global id, or NOT_FOUND. */
export async function getTenant(ctx: Context, gid: string, field = 'id'): Promise<Tenant> {
  requireScope(ctx);
  return findInScope(ctx, Tenant, 'Tenant', gid, field);
}

/** Lists tenants in the caller's scope, as plain rows. */
export async function listTenants(ctx: Context, args: PageArgs): Promise<Page<Row<Tenant>>> {
  requireScope(ctx);
  return paginateRows(ctx.em, Tenant, {}, args);
}

async function flushUnique(ctx: Context): Promise<void> {
  try {
    await ctx.em.flush();
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('tag', 'Another tenant already has this tag');
    throw e;
  }
}

/** Creates a tenant. Needs an account-wide principal with DOMAINS_MANAGE. */
export async function createTenant(ctx: Context, input: CreateTenantInput): Promise<Tenant> {
  requirePermission(ctx, Permission.DOMAINS_MANAGE);
  const scope = requireAccountWide(ctx);
  const tenant = ctx.em.create(Tenant, { account: scope.accountId, name: input.name.trim(), tag: input.tag });
  await flushUnique(ctx);
  return tenant;
}

/**
 * Renames or re-tags a tenant, sets its ON_HOLD rule (that needs SUPPRESSIONS_MANAGE too) or its
 * retention. Account-wide principals only: a scoped one gets FORBIDDEN and changes nothing.
 */
export async function updateTenant(ctx: Context, input: UpdateTenantInput): Promise<Tenant> {
  requirePermission(ctx, Permission.DOMAINS_MANAGE);
  if (input.onHoldPolicy) requirePermission(ctx, Permission.SUPPRESSIONS_MANAGE);
  requireAccountWide(ctx);
  const tenant = await getTenant(ctx, input.id);
  const policy = input.onHoldPolicy ? mergeOnHoldPolicy(tenant.onHoldPolicy, input.onHoldPolicy) : null;
  const retention = mergeRetention({ retentionDays: tenant.retentionDays, contentRetentionDays: tenant.contentRetentionDays }, input);
  if (input.name !== undefined && input.name !== null) tenant.rename(input.name.trim());
  if (input.tag !== undefined && input.tag !== null) tenant.tag = input.tag;
  if (policy) tenant.setOnHoldPolicy(policy);
  tenant.setRetention(retention);
  await flushUnique(ctx);
  return tenant;
}

/** Deletes a tenant; refuses one that still has domains or identities unless `force`. */
export async function deleteTenant(ctx: Context, input: DeleteTenantInput): Promise<string> {
  requirePermission(ctx, Permission.DOMAINS_MANAGE);
  requireAccountWide(ctx);
  const tenant = await getTenant(ctx, input.id);
  if (!input.force) {
    const [domains, identities] = await Promise.all([ctx.em.count(Domain, { tenant }), ctx.em.count(SenderIdentity, { tenant })]);
    if (domains + identities > 0) {
      throw new AppError('CONFLICT', `Tenant has ${domains} domain(s) and ${identities} sender identit${identities === 1 ? 'y' : 'ies'}; pass force: true to delete them too`, {
        field: 'force',
        domains,
        senderIdentities: identities,
      });
    }
  }
  const gid = toGlobalId('Tenant', tenant.id);
  // Domains, identities, templates and tokens of the tenant go with it (foreign keys cascade); every
  // token scoped within the tenant names it among its credential subjects.
  await ctx.em.transactional(async (em) => {
    auditDeletion(em, tenant);
    await em.nativeDelete(Tenant, { id: tenant.id });
  });
  publishCredentialsChanged(ctx.deps.bus, [`tenant:${tenant.id}`]);
  return gid;
}
