import { randomBytes } from 'node:crypto';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { findInScope, loadInScope } from '../../db/find-in-scope';
import { badInput } from '../../graphql/errors';
import { paginate, type Page } from '../../graphql/pagination';
import { sha256 } from '../../lib/crypto';
import { assertPermissionsGrantable, assertTargetGrantable, type TokenTarget } from '../api-tokens/token-grant';
import { ApiTokenScopeKind } from '../api-tokens/api-token.types';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { SMTP_USER_PERMISSIONS, SmtpUser } from './smtp-user.entity';
import type { CreateSmtpUserInput, DeleteSmtpUserInput, SmtpUsersArgs, UpdateSmtpUserInput } from './smtp-user.inputs';
import type { CreateSmtpUserPayload } from './smtp-user.types';

function userName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) throw badInput('name', 'name must be 1–100 characters on one line');
  return name;
}

/** Loads an SMTP user in the caller's scope by global id, or NOT_FOUND. Needs TOKENS_MANAGE. */
export async function getSmtpUser(ctx: Context, gid: string, field = 'id'): Promise<SmtpUser> {
  requirePermission(ctx, Permission.TOKENS_MANAGE);
  return findInScope(ctx, SmtpUser, 'SmtpUser', gid, field);
}

/** Lists the SMTP users in the caller's scope, oldest first. Needs TOKENS_MANAGE. */
export async function listSmtpUsers(ctx: Context, args: SmtpUsersArgs): Promise<Page<SmtpUser>> {
  requirePermission(ctx, Permission.TOKENS_MANAGE);
  return paginate(ctx.em, SmtpUser, {}, args);
}

async function targetOf(ctx: Context, input: { domainId?: string | null; senderIdentityId?: string | null }): Promise<TokenTarget> {
  const given = [input.domainId, input.senderIdentityId].filter((v) => v !== null && v !== undefined);
  if (given.length !== 1) throw badInput('domainId', 'Give exactly one of domainId and senderIdentityId');
  if (input.domainId) {
    const domain = await findInScope(ctx, Domain, 'Domain', input.domainId, 'domainId');
    return { kind: ApiTokenScopeKind.DOMAIN, domainId: domain.id, tenantId: domain.tenant?.id ?? null };
  }
  const identity = await findInScope(ctx, SenderIdentity, 'SenderIdentity', input.senderIdentityId!, 'senderIdentityId');
  return { kind: ApiTokenScopeKind.SENDER_IDENTITY, identityId: identity.id, domainId: identity.domain.id, tenantId: identity.tenant.id };
}

/**
 * Creates an SMTP credential for a domain or sender identity in the caller's scope (TOKENS_MANAGE, and
 * EMAIL_SEND since the credential sends). Writes the row; the password is returned only here.
 */
export async function createSmtpUser(ctx: Context, input: CreateSmtpUserInput): Promise<CreateSmtpUserPayload> {
  const scope = requirePermission(ctx, Permission.TOKENS_MANAGE);
  const name = userName(input.name);
  assertPermissionsGrantable(scope, SMTP_USER_PERMISSIONS);
  const target = await targetOf(ctx, input);
  assertTargetGrantable(scope, target);
  const username = `smtp_${randomBytes(9).toString('base64url')}`;
  const password = randomBytes(24).toString('base64url');
  const smtpUser = ctx.em.create(SmtpUser, {
    account: scope.accountId,
    name,
    username,
    passwordHash: sha256(password),
    domain: target.kind === ApiTokenScopeKind.DOMAIN ? target.domainId : null,
    senderIdentity: target.kind === ApiTokenScopeKind.SENDER_IDENTITY ? target.identityId : null,
  });
  await ctx.em.flush();
  return { smtpUser, username, password };
}

/** The target of an existing SMTP user, its objects loaded through the caller's scope (a visible user's objects are visible). */
async function existingTarget(ctx: Context, user: SmtpUser): Promise<TokenTarget> {
  if (user.domain) {
    const domain = await loadInScope(ctx, Domain, 'Domain', user.domain.id, 'id', { notFoundAs: 'SmtpUser' });
    return { kind: ApiTokenScopeKind.DOMAIN, domainId: domain.id, tenantId: domain.tenant?.id ?? null };
  }
  const identity = await loadInScope(ctx, SenderIdentity, 'SenderIdentity', user.senderIdentity!.id, 'id', { notFoundAs: 'SmtpUser' });
  return { kind: ApiTokenScopeKind.SENDER_IDENTITY, identityId: identity.id, domainId: identity.domain.id, tenantId: identity.tenant.id };
}

/** Loads an SMTP user for a change: in scope, and its target inside the caller's scope (as for API tokens). */
async function userForChange(ctx: Context, gid: string): Promise<SmtpUser> {
  const scope = requirePermission(ctx, Permission.TOKENS_MANAGE);
  const user = await getSmtpUser(ctx, gid);
  assertTargetGrantable(scope, await existingTarget(ctx, user));
  return user;
}

/** Renames, enables or disables an SMTP user (TOKENS_MANAGE). A disabled user's AUTH is refused from its next session on. */
export async function updateSmtpUser(ctx: Context, input: UpdateSmtpUserInput): Promise<SmtpUser> {
  const user = await userForChange(ctx, input.id);
  if (input.name !== undefined && input.name !== null) user.name = userName(input.name);
  if (input.enabled !== undefined && input.enabled !== null) user.setEnabled(input.enabled);
  await ctx.em.flush();
  return user;
}

/** Deletes an SMTP user for good (TOKENS_MANAGE). */
export async function deleteSmtpUser(ctx: Context, input: DeleteSmtpUserInput): Promise<string> {
  const user = await userForChange(ctx, input.id);
  const gid = user.gid;
  await ctx.em.remove(user).flush();
  return gid;
}
