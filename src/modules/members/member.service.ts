import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { publishCredentialsChanged } from '../../auth/credential-cache';
import { Permission, Role, rolePermissionsFor } from '../../auth/permissions';
import type { Scope } from '../../auth/scope';
import { generateSecret } from '../../auth/token-format';
import { type Context, requireAccountWide, requirePermission } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { SCOPE_FILTER } from '../../db/scope-filter';
import { conflict, notFound } from '../../graphql/errors';
import { paginate, type Page, type PageArgs } from '../../graphql/pagination';
import { sha256 } from '../../lib/crypto';
import { Account } from '../accounts/account.entity';
import { ApiToken } from '../api-tokens/api-token.entity';
import { assertPermissionsGrantable } from '../api-tokens/token-grant';
import { Domain } from '../domains/domain.entity';
import { optionalDisplayName, requireEmail } from '../mail/address';
import { SystemEmailKind } from '../mail/system-email.entity';
import { sendSystemEmail } from '../mail/system-mail.service';
import { Template } from '../templates/template.entity';
import { invitationLink, invitationMail } from './invitation-mail';
import { type MemberAccess, resolveAccess } from './member-access';
import { lastManager } from './member.errors';
import type { InviteMemberInput, RemoveMemberInput, UpdateMemberInput } from './member.inputs';
import { MemberStatus, Membership } from './membership.entity';
import { User } from './user.entity';
import { findInScope } from '../../db/find-in-scope';
import { auditDeletion } from '../audit/audit-subscriber';

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

/** Lists the account's members (a scoped member sees only itself). Needs MEMBERS_MANAGE. */
export async function listMembers(ctx: Context, args: PageArgs): Promise<Page<Membership>> {
  requirePermission(ctx, Permission.MEMBERS_MANAGE);
  return paginate(ctx.em, Membership, {}, args);
}

async function assertExist(em: EntityManager, entity: typeof Domain | typeof Template, ids: readonly string[], type: string, field: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await em.count(entity as typeof Domain, { id: { $in: [...ids] } });
  if (found !== ids.length) throw notFound(type, field);
}

/**
 * Checks that the domains named exist in the caller's scope, and that every template of the
 * allow-list exists in the caller's scope AND on one of the member's domains: an allow-list only
 * narrows. A template outside either answers NOT_FOUND on `templateIds`, exactly as a missing id.
 */
async function assertTargets(em: EntityManager, access: MemberAccess, domainIds: readonly string[], templateIds: readonly string[] | null): Promise<void> {
  await assertExist(em, Domain, domainIds, 'Domain', 'domainIds');
  if (!templateIds || templateIds.length === 0) return;
  const onDomains = access.allDomains ? {} : { domain: { $in: access.domainIds.length ? access.domainIds : ['00000000-0000-0000-0000-000000000000'] } };
  const found = await em.count(Template, { id: { $in: [...templateIds] }, ...onDomains });
  if (found !== templateIds.length) throw notFound('Template', 'templateIds');
}

/** Throws FORBIDDEN unless the member's role grants only permissions the caller holds (nobody grants more than it has). */
function assertGrantable(scope: Scope, access: Pick<MemberAccess, 'role' | 'customPermissions'>, field: string): void {
  assertPermissionsGrantable(scope, rolePermissionsFor(access.role, access.customPermissions), field);
}

/** Serialises member changes of one account (the last-admin rule reads, then writes). */
async function lockAccount(em: EntityManager, accountId: string): Promise<void> {
  await em.findOneOrFail(Account, { id: accountId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** Throws CONFLICT unless someone other than `membershipId` can still manage members. */
async function assertStillManageable(em: EntityManager, accountId: string, membershipId: string, now: Date, field: string): Promise<void> {
  const admins = await em.count(Membership, { account: accountId, role: Role.ADMIN, status: MemberStatus.ACTIVE, id: { $ne: membershipId } });
  if (admins > 0) return;
  const tokens = await em.count(ApiToken, {
    account: accountId,
    tenant: null,
    domain: null,
    senderIdentity: null,
    permissions: { $contains: [Permission.MEMBERS_MANAGE] },
    revokedAt: null,
    pausedAt: null,
    $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
  });
  if (tokens === 0) throw lastManager(field);
}

async function flushInvitation(em: EntityManager): Promise<void> {
  try {
    await em.flush();
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('email', 'This address is already a member of the account');
    throw e;
  }
}

function accessFields(access: MemberAccess) {
  return { role: access.role, allDomains: access.allDomains, domainIds: access.domainIds, customPermissions: access.customPermissions, templateIds: access.templateIds };
}

/**
 * Invites an address: creates its user when new (no password yet) and an INVITED membership with a
 * 7-day single-use token (stored as SHA-256), and sends the invitation link as a system e-mail.
 * Needs MEMBERS_MANAGE and an account-wide principal. Side effects: writes, mail.
 */
export async function inviteMember(ctx: Context, input: InviteMemberInput): Promise<Membership> {
  requirePermission(ctx, Permission.MEMBERS_MANAGE);
  const scope = requireAccountWide(ctx);
  const email = requireEmail('email', input.email);
  const name = optionalDisplayName('name', input.name, 200);
  const access = resolveAccess(null, { role: input.role, allDomains: input.allDomains, domainIds: input.domainIds, permissions: input.permissions, templateIds: input.templateIds });
  assertGrantable(scope, access, 'role');
  const now = ctx.deps.clock.now();
  return ctx.em.transactional(async (em) => {
    await assertTargets(em, access, access.domainIds, access.templateIds);
    const account = await em.findOneOrFail(Account, { id: scope.accountId });
    let user = await em.findOne(User, { email });
    if (user && (await em.count(Membership, { account: account.id, user: user.id })) > 0) {
      throw conflict('email', 'This address is already a member of the account');
    }
    user ??= em.create(User, { email, name });
    const token = generateSecret('link');
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    const m = em.create(Membership, { account, user, ...accessFields(access), invitationTokenHash: sha256(token), invitationExpiresAt: expiresAt });
    await flushInvitation(em);
    const mail = invitationMail(account.name, invitationLink(ctx.config.publicUrl, token), expiresAt);
    await sendSystemEmail(em, ctx.deps, ctx.config, { accountId: account.id, kind: SystemEmailKind.MEMBER_INVITATION, to: email, ...mail, secrets: [token] });
    return m;
  });
}

/**
 * Changes a member's role or access. Refuses (CONFLICT) to demote the last active ADMIN when no
 * account-wide token with MEMBERS_MANAGE remains. Needs MEMBERS_MANAGE, account-wide. Side effects: writes.
 */
export async function updateMember(ctx: Context, input: UpdateMemberInput): Promise<Membership> {
  const member = await withLockedMember(ctx, input.id, async (em, m, demote, scope) => {
    const access = resolveAccess(m, { role: input.role, allDomains: input.allDomains, domainIds: input.domainIds, permissions: input.permissions, templateIds: input.templateIds });
    assertGrantable(scope, access, 'role');
    // Only ids given now are checked: an access list may name a domain deleted since. The row
    // filter intersects the domain limit with the allow-list, so a kept list never widens access.
    await assertTargets(em, access, input.domainIds ? access.domainIds : [], input.templateIds ? access.templateIds : null);
    if (access.role !== Role.ADMIN) await demote('role');
    m.changeAccess(access);
    await em.flush();
    return m;
  });
  publishCredentialsChanged(ctx.deps.bus, [`membership:${member.id}`]);
  return member;
}

/**
 * Removes a member; its sessions go with it (foreign keys cascade), so they stop authenticating at
 * once. A user left without any membership is deleted too. Same last-admin rule as updateMember.
 * Needs MEMBERS_MANAGE, account-wide. Side effects: deletes.
 */
export async function removeMember(ctx: Context, input: RemoveMemberInput): Promise<string> {
  let membershipId = '';
  const removed = await withLockedMember(ctx, input.id, async (em, m, demote) => {
    await demote('id');
    membershipId = m.id;
    const gid = m.gid;
    const userId = m.user.id;
    auditDeletion(em, m);
    await em.nativeDelete(Membership, { id: m.id });
    // Counting across accounts: the user row is shared, and only an unused one may go.
    const remaining = await em.count(Membership, { user: userId }, { filters: { [SCOPE_FILTER]: { kind: 'system' } } });
    if (remaining === 0) await em.nativeDelete(User, { id: userId });
    return gid;
  });
  publishCredentialsChanged(ctx.deps.bus, [`membership:${membershipId}`]);
  return removed;
}

/**
 * Runs a member change in one transaction with the account row locked (so two concurrent
 * demotions cannot both pass). `demote(field)` applies the last-admin rule when the member is an
 * active ADMIN. Needs MEMBERS_MANAGE, an account-wide principal, and that the member holds no
 * permission the caller lacks (FORBIDDEN on `id` otherwise: nobody changes a member above it).
 */
async function withLockedMember<T>(ctx: Context, id: string, change: (em: EntityManager, m: Membership, demote: (field: string) => Promise<void>, scope: Scope) => Promise<T>): Promise<T> {
  requirePermission(ctx, Permission.MEMBERS_MANAGE);
  const scope = requireAccountWide(ctx);
  const now = ctx.deps.clock.now();
  return ctx.em.transactional(async (em) => {
    await lockAccount(em, scope.accountId);
    const m = await findInScope(ctx, Membership, 'Member', id, 'id', { em });
    assertGrantable(scope, m, 'id');
    const demote = async (field: string) => {
      if (m.isActiveAdmin()) await assertStillManageable(em, scope.accountId, m.id, now, field);
    };
    return change(em, m, demote, scope);
  });
}
