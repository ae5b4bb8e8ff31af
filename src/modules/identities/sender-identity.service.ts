import { publishCredentialsChanged } from '../../auth/credential-cache';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { badInput } from '../../graphql/errors';
import { fromOptionalGlobalId, toGlobalId } from '../../graphql/global-id';
import type { Row } from '../../db/read-rows';
import { type Page, paginateRows } from '../../graphql/pagination';
import { Domain } from '../domains/domain.entity';
import { DomainStatus } from '../domains/domain.types';
import { optionalDisplayName, optionalEmail, optionalText, requireEmail } from '../mail/address';
import { getTenant } from '../tenants/tenant.service';
import { sendConfirmation } from './confirmation.service';
import { lookupDmarcPolicy } from './dmarc';
import { SenderIdentity } from './sender-identity.entity';
import { duplicateIdentity } from './sender-identity.errors';
import { type CreateSenderIdentityInput, LIMITS, type SenderIdentitiesArgs } from './sender-identity.inputs';
import { findInScope } from '../../db/find-in-scope';
import { auditDeletion } from '../audit/audit-subscriber';

/** Loads a sender identity in the caller's scope by global id, or NOT_FOUND (also for ids outside the scope). */
export async function getSenderIdentity(ctx: Context, gid: string, field = 'id'): Promise<SenderIdentity> {
  requirePermission(ctx, Permission.IDENTITIES_READ);
  return loadInScope(ctx, gid, field);
}

async function loadInScope(ctx: Context, gid: string, field: string): Promise<SenderIdentity> {
  return findInScope(ctx, SenderIdentity, 'SenderIdentity', gid, field);
}

/** Lists sender identities in the caller's scope, optionally of one tenant and/or domain. Needs IDENTITIES_READ. */
export async function listSenderIdentities(ctx: Context, args: SenderIdentitiesArgs): Promise<Page<Row<SenderIdentity>>> {
  requirePermission(ctx, Permission.IDENTITIES_READ);
  const tenant = fromOptionalGlobalId(args.tenantId, 'Tenant', 'tenantId');
  const domain = fromOptionalGlobalId(args.domainId, 'Domain', 'domainId');
  return paginateRows(ctx.em, SenderIdentity, { ...(tenant ? { tenant } : {}), ...(domain ? { domain } : {}) }, args);
}

/** The validated, normalised fields of a new identity (BAD_USER_INPUT naming the field otherwise). */
function normaliseInput(input: CreateSenderIdentityInput) {
  return {
    email: requireEmail('email', input.email),
    name: optionalDisplayName('name', input.name, LIMITS.name),
    replyToEmail: optionalEmail('replyToEmail', input.replyToEmail),
    replyToName: optionalDisplayName('replyToName', input.replyToName, LIMITS.replyToName),
    personalNote: optionalText('personalNote', input.personalNote, LIMITS.personalNote),
  };
}

/** A VERIFIED domain in the caller's scope; NOT_FOUND or BAD_USER_INPUT naming domainId otherwise. */
async function sendingDomain(ctx: Context, gid: string): Promise<Domain> {
  const domain = await findInScope(ctx, Domain, 'Domain', gid, 'domainId');
  if (domain.status !== DomainStatus.VERIFIED) throw badInput('domainId', 'The domain must be VERIFIED before identities can send through it');
  return domain;
}

/**
 * Creates a PENDING sender identity for a tenant on a verified agency (or the tenant's own) domain,
 * records the address domain's DMARC policy, and in the same transaction issues a confirmation
 * and sends its e-mail. Needs IDENTITIES_MANAGE. Side effects: DNS lookup, write, mail.
 */
export async function createSenderIdentity(ctx: Context, input: CreateSenderIdentityInput): Promise<SenderIdentity> {
  const scope = requirePermission(ctx, Permission.IDENTITIES_MANAGE);
  const fields = normaliseInput(input);
  const domain = await sendingDomain(ctx, input.domainId);
  const tenant = await getTenant(ctx, input.tenantId, 'tenantId');
  if (domain.tenant && domain.tenant.id !== tenant.id) {
    throw badInput('domainId', "This domain belongs to another client: use one of the agency's domains or the client's own");
  }
  const dmarcPolicy = await lookupDmarcPolicy(ctx.deps.dns, fields.email.slice(fields.email.lastIndexOf('@') + 1));
  try {
    return await ctx.em.transactional(async (em) => {
      const identity = em.create(SenderIdentity, { account: scope.accountId, tenant: tenant.id, domain: domain.id, ...fields, dmarcPolicy });
      await em.flush();
      await sendConfirmation(em, ctx.deps, ctx.config, identity);
      return identity;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicateIdentity();
    throw e;
  }
}

/** Deletes a sender identity in the caller's scope (tokens scoped to it go too). Needs IDENTITIES_MANAGE. Side effect: write. */
export async function deleteSenderIdentity(ctx: Context, gid: string): Promise<string> {
  requirePermission(ctx, Permission.IDENTITIES_MANAGE);
  const identity = await loadInScope(ctx, gid, 'id');
  const deletedId = toGlobalId('SenderIdentity', identity.id);
  // API tokens scoped to the identity are deleted with it (foreign key cascade).
  await ctx.em.transactional(async (em) => {
    auditDeletion(em, identity);
    await em.nativeDelete(SenderIdentity, { id: identity.id });
  });
  publishCredentialsChanged(ctx.deps.bus, [`identity:${identity.id}`]);
  return deletedId;
}
