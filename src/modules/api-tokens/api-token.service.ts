import type { FilterQuery } from '@mikro-orm/postgresql';
import { publishCredentialsChanged } from '../../auth/credential-cache';
import { Permission } from '../../auth/permissions';
import type { Scope } from '../../auth/scope';
import { generateSecret } from '../../auth/token-format';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { paginate, type Page } from '../../graphql/pagination';
import { sha256 } from '../../lib/crypto';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { Tenant } from '../tenants/tenant.entity';
import { ApiToken, ApiTokenStatus } from './api-token.entity';
import type { ApiTokensArgs, CreateApiTokenInput, RevokeApiTokenInput, UpdateApiTokenInput } from './api-token.inputs';
import { ApiTokenScopeKind } from './api-token.types';
import { assertPermissionsGrantable, assertTargetGrantable, type TokenTarget } from './token-grant';
import { findInScope, loadInScope } from '../../db/find-in-scope';

/** Loads a token in the caller's scope by global id, or NOT_FOUND. Needs TOKENS_MANAGE. */
export async function getApiToken(ctx: Context, gid: string, field = 'id'): Promise<ApiToken> {
  requirePermission(ctx, Permission.TOKENS_MANAGE);
  return findInScope(ctx, ApiToken, 'ApiToken', gid, field);
}

async function ids(ctx: Context, entity: typeof Domain | typeof SenderIdentity, where: object): Promise<string[]> {
  const rows = await ctx.em.find(entity as typeof Domain, where, { fields: ['id'] });
  return rows.map((r) => r.id);
}

/** Lists tokens in the caller's scope; `tenantId`/`domainId` narrow to tokens limited to that tenant or domain (or anything inside it). */
export async function listApiTokens(ctx: Context, args: ApiTokensArgs): Promise<Page<ApiToken>> {
  requirePermission(ctx, Permission.TOKENS_MANAGE);
  const where: FilterQuery<ApiToken>[] = [];
  if (args.tenantId) {
    const tenant = fromGlobalId(args.tenantId, 'Tenant', 'tenantId');
    const [domainIds, identityIds] = await Promise.all([ids(ctx, Domain, { tenant }), ids(ctx, SenderIdentity, { tenant })]);
    where.push({ $or: [{ tenant }, { domain: { $in: domainIds } }, { senderIdentity: { $in: identityIds } }] });
  }
  if (args.domainId) {
    const domain = fromGlobalId(args.domainId, 'Domain', 'domainId');
    const identityIds = await ids(ctx, SenderIdentity, { domain });
    where.push({ $or: [{ domain }, { senderIdentity: { $in: identityIds } }] });
  }
  return paginate(ctx.em, ApiToken, where.length ? { $and: where } : {}, args);
}

function tokenName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) throw badInput('name', 'name must be 1–100 characters on one line');
  return name;
}

function tokenPermissions(raw: readonly Permission[]): Permission[] {
  const permissions = [...new Set(raw)];
  if (permissions.length === 0) throw badInput('permissions', 'permissions must list at least one permission');
  return permissions;
}

function futureExpiry(ctx: Context, expiresAt: Date): Date {
  if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= ctx.deps.clock.now().getTime()) throw badInput('expiresAt', 'expiresAt must be in the future');
  return expiresAt;
}

/** Loads the object the new token is limited to, through the caller's scope (NOT_FOUND naming the field otherwise). */
async function resolveTarget(ctx: Context, input: CreateApiTokenInput): Promise<TokenTarget> {
  const given = [input.tenantId, input.domainId, input.senderIdentityId].filter((v) => v !== null && v !== undefined);
  if (given.length > 1) throw badInput('tenantId', 'Give at most one of tenantId, domainId and senderIdentityId');
  if (input.tenantId) {
    const tenant = await findInScope(ctx, Tenant, 'Tenant', input.tenantId, 'tenantId');
    return { kind: ApiTokenScopeKind.TENANT, tenantId: tenant.id };
  }
  if (input.domainId) {
    const domain = await findInScope(ctx, Domain, 'Domain', input.domainId, 'domainId');
    return { kind: ApiTokenScopeKind.DOMAIN, domainId: domain.id, tenantId: domain.tenant?.id ?? null };
  }
  if (input.senderIdentityId) {
    const identity = await findInScope(ctx, SenderIdentity, 'SenderIdentity', input.senderIdentityId, 'senderIdentityId');
    return { kind: ApiTokenScopeKind.SENDER_IDENTITY, identityId: identity.id, domainId: identity.domain.id, tenantId: identity.tenant.id };
  }
  return { kind: ApiTokenScopeKind.ACCOUNT };
}

/**
 * Creates a token limited to at most one tenant, domain or sender identity in the caller's scope,
 * with a subset of the caller's permissions. Returns the secret once; only its SHA-256 is stored.
 */
export async function createApiToken(ctx: Context, input: CreateApiTokenInput): Promise<{ apiToken: ApiToken; secret: string }> {
  const scope = requirePermission(ctx, Permission.TOKENS_MANAGE);
  const name = tokenName(input.name);
  const permissions = tokenPermissions(input.permissions);
  const expiresAt = input.expiresAt ? futureExpiry(ctx, input.expiresAt) : null;
  assertPermissionsGrantable(scope, permissions);
  const target = await resolveTarget(ctx, input);
  assertTargetGrantable(scope, target);
  const secret = generateSecret('api');
  const apiToken = ctx.em.create(ApiToken, {
    account: scope.accountId,
    name,
    permissions,
    tenant: target.kind === ApiTokenScopeKind.TENANT ? target.tenantId : null,
    domain: target.kind === ApiTokenScopeKind.DOMAIN ? target.domainId : null,
    senderIdentity: target.kind === ApiTokenScopeKind.SENDER_IDENTITY ? target.identityId : null,
    secretHash: sha256(secret),
    preview: `${secret.slice(0, 12)}…${secret.slice(-4)}`,
    expiresAt,
  });
  await ctx.em.flush();
  return { apiToken, secret };
}

/** The target of an existing token, its objects loaded through the caller's scope (a visible token's objects are visible). */
async function targetOf(ctx: Context, token: ApiToken): Promise<TokenTarget> {
  if (token.tenant) return { kind: ApiTokenScopeKind.TENANT, tenantId: token.tenant.id };
  if (token.domain) {
    const domain = await loadInScope(ctx, Domain, 'Domain', token.domain.id, 'id', { notFoundAs: 'ApiToken' });
    return { kind: ApiTokenScopeKind.DOMAIN, domainId: domain.id, tenantId: domain.tenant?.id ?? null };
  }
  if (token.senderIdentity) {
    const identity = await loadInScope(ctx, SenderIdentity, 'SenderIdentity', token.senderIdentity.id, 'id', { notFoundAs: 'ApiToken' });
    return { kind: ApiTokenScopeKind.SENDER_IDENTITY, identityId: identity.id, domainId: identity.domain.id, tenantId: identity.tenant.id };
  }
  return { kind: ApiTokenScopeKind.ACCOUNT };
}

/** Loads a token for a change the caller must be entitled to: inside its scope, and not a template-limited caller. */
async function tokenForChange(ctx: Context, scope: Scope, gid: string): Promise<ApiToken> {
  const token = await getApiToken(ctx, gid);
  assertTargetGrantable(scope, await targetOf(ctx, token));
  return token;
}

/**
 * Renames, re-permissions, re-dates, pauses or resumes a token. The resulting permissions must be
 * a subset of the caller's; a revoked token cannot be changed.
 */
export async function updateApiToken(ctx: Context, input: UpdateApiTokenInput): Promise<ApiToken> {
  const scope = requirePermission(ctx, Permission.TOKENS_MANAGE);
  const token = await tokenForChange(ctx, scope, input.id);
  if (token.revokedAt) throw badInput('id', 'A revoked token cannot be changed');
  const name = input.name === undefined || input.name === null ? token.name : tokenName(input.name);
  const permissions = input.permissions === undefined || input.permissions === null ? token.permissions : tokenPermissions(input.permissions);
  const expiresAt = input.expiresAt === undefined ? token.expiresAt : input.expiresAt === null ? null : futureExpiry(ctx, input.expiresAt);
  assertPermissionsGrantable(scope, permissions);
  token.name = name;
  token.permissions = [...permissions];
  token.expiresAt = expiresAt;
  if (input.paused !== undefined && input.paused !== null) token.setPaused(input.paused, ctx.deps.clock.now());
  await ctx.em.flush();
  publishCredentialsChanged(ctx.deps.bus, [`token:${token.id}`]);
  return token;
}

/** Revokes a token for good; requests with it are rejected from now on. Revoking twice is harmless. */
export async function revokeApiToken(ctx: Context, input: RevokeApiTokenInput): Promise<ApiToken> {
  const scope = requirePermission(ctx, Permission.TOKENS_MANAGE);
  const token = await tokenForChange(ctx, scope, input.id);
  token.revoke(ctx.deps.clock.now());
  await ctx.em.flush();
  publishCredentialsChanged(ctx.deps.bus, [`token:${token.id}`]);
  return token;
}

/** The token's status now. */
export function tokenStatus(ctx: Context, token: ApiToken): ApiTokenStatus {
  return token.statusAt(ctx.deps.clock.now());
}
