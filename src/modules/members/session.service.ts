import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { publishCredentialsChanged } from '../../auth/credential-cache';
import type { Principal } from '../../auth/principal';
import { limitedAttempt } from '../../auth/rate-limit';
import { generateSecret, isWellFormedSecret } from '../../auth/token-format';
import type { Context } from '../../context';
import { badInput, forbidden, notFound, unauthenticated } from '../../graphql/errors';
import { fromGlobalId, fromOptionalGlobalId } from '../../graphql/global-id';
import { hashPassword, sha256, verifyPassword } from '../../lib/crypto';
import { scopeForMembership } from '../access/scope-builder';
import type { Account } from '../accounts/account.entity';
import { optionalDisplayName, parseEmailAddress } from '../mail/address';
import { bindSessionView } from './member-fields';
import { invalidCredentials, invalidInvitation } from './member.errors';
import type { AcceptInvitationInput, LoginInput, SwitchAccountInput } from './member.inputs';
import { MemberStatus, Membership } from './membership.entity';
import { Session } from './session.entity';
import { User } from './user.entity';

/** How long a session works. */
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
/** Password length limits for new passwords. */
export const PASSWORD_LENGTH = { min: 10, max: 200 } as const;

/** A newly opened session: the secret (shown once), its expiry, the membership and the user's accounts. */
export interface IssuedSession {
  token: string;
  expiresAt: Date;
  member: Membership;
  accounts: Account[];
}

let dummy: Promise<string> | null = null;
/** A hash of a random password: checked against when there is no real hash, so timing does not tell. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  return dummy;
}

/** The member principal; UNAUTHENTICATED for the public, FORBIDDEN for API tokens. */
function requireMember(ctx: Context): Extract<Principal, { kind: 'MEMBER' }> {
  const p = ctx.principal;
  if (p.kind === 'PUBLIC') throw unauthenticated();
  if (p.kind !== 'MEMBER') throw forbidden('Only a member session can do this');
  return p;
}

async function activeMemberships(em: EntityManager, userId: string): Promise<Membership[]> {
  return em.find(Membership, { user: userId, status: MemberStatus.ACTIVE }, { populate: ['account'], orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** Stores a new session for `m` (only the token's SHA-256) and returns its secret. `em` is a system entity manager. */
async function openSession(ctx: Context, em: EntityManager, m: Membership): Promise<IssuedSession> {
  const now = ctx.deps.clock.now();
  const token = generateSecret('session');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  em.create(Session, { account: m.account, membership: m, tokenHash: sha256(token), expiresAt });
  await em.flush();
  const accounts = (await activeMemberships(em, m.user.id)).map((x) => x.account.getEntity());
  bindSessionView(m, ctx.systemAccess.scopedTo(await scopeForMembership(em, m)));
  return { token, expiresAt, member: m, accounts };
}

/**
 * Checks an e-mail address and password and opens a 30-day session in `accountId`, or in the
 * user's oldest active membership. Any failure is the same UNAUTHENTICATED; RATE_LIMITED once the
 * client IP made too many attempts or the address failed too often. Side effects: writes a session.
 */
export function login(ctx: Context, input: LoginInput): Promise<IssuedSession> {
  const address = String(input.email).trim().toLowerCase().slice(0, 320);
  return limitedAttempt(ctx.deps.rateLimits, { ip: 'loginIp', key: 'loginAddress' }, ctx.clientIp, address, () => checkLogin(ctx, input));
}

async function checkLogin(ctx: Context, input: LoginInput): Promise<IssuedSession> {
  const accountId = fromOptionalGlobalId(input.accountId, 'Account', 'accountId');
  const parsed = parseEmailAddress(input.email);
  const em = ctx.systemAccess.em();
  const user = parsed.ok ? await em.findOne(User, { email: parsed.email }, { populate: ['passwordHash'] }) : null;
  const stored = user?.passwordHash ?? null;
  // scrypt runs whether or not the address is known, so the time taken does not tell.
  const valid = await verifyPassword(input.password, stored ?? (await dummyHash()));
  if (!user || !stored || !valid) throw invalidCredentials();
  const memberships = await activeMemberships(em, user.id);
  const chosen = accountId ? memberships.find((m) => m.account.id === accountId) : memberships[0];
  if (!chosen) throw invalidCredentials();
  return openSession(ctx, em, chosen);
}

/** The one answer to a password acceptInvitation cannot take, whether or not the address already has one elsewhere. */
const PASSWORD_REFUSED = `Enter a new password of ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters, or the password this address already uses on Mailroom`;

/**
 * Sets a new user's password, or checks an existing user's (a user row is shared between accounts).
 * Both refusals are the same BAD_USER_INPUT and both cost one scrypt, so the answer does not tell
 * whether the address uses the platform elsewhere.
 */
async function applyPassword(user: User, password: string): Promise<void> {
  if (user.passwordHash) {
    if (!(await verifyPassword(password, user.passwordHash))) throw badInput('password', PASSWORD_REFUSED);
    return;
  }
  if (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max) {
    await verifyPassword(password, await dummyHash());
    throw badInput('password', PASSWORD_REFUSED);
  }
  user.setPasswordHash(await hashPassword(password));
}

/**
 * Spends an invitation token: sets the user's password (or checks it, when the user already has one),
 * activates the membership and opens a session in its account. Public. RATE_LIMITED once the client
 * IP made too many attempts or the token failed too often. Side effects: writes.
 */
export function acceptInvitation(ctx: Context, input: AcceptInvitationInput): Promise<IssuedSession> {
  const key = sha256(String(input.token));
  return limitedAttempt(ctx.deps.rateLimits, { ip: 'invitationIp', key: 'invitationToken' }, ctx.clientIp, key, () => spendInvitation(ctx, input));
}

async function spendInvitation(ctx: Context, input: AcceptInvitationInput): Promise<IssuedSession> {
  if (!isWellFormedSecret(input.token, 'link')) throw invalidInvitation();
  const name = optionalDisplayName('name', input.name, 200);
  const hash = sha256(input.token);
  const now = ctx.deps.clock.now();
  return ctx.systemAccess.em().transactional(async (em) => {
    // Locked, so one token opens one membership even when accepted twice at once.
    const m = await em.findOne(Membership, { invitationTokenHash: hash, status: MemberStatus.INVITED }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!m || !m.invitationExpiresAt || m.invitationExpiresAt <= now) throw invalidInvitation();
    const user = await em.findOneOrFail(User, { id: m.user.id }, { populate: ['passwordHash'], lockMode: LockMode.PESSIMISTIC_WRITE });
    await applyPassword(user, input.password);
    if (name) user.rename(name);
    m.accept(now);
    return openSession(ctx, em, m);
  });
}

/** Opens a session in another account of the caller's user; the current session stays valid. Side effects: writes a session. */
export async function switchAccount(ctx: Context, input: SwitchAccountInput): Promise<IssuedSession> {
  const p = requireMember(ctx);
  const accountId = fromGlobalId(input.accountId, 'Account', 'accountId');
  const em = ctx.systemAccess.em();
  const target = (await activeMemberships(em, p.userId)).find((m) => m.account.id === accountId);
  if (!target) throw notFound('Account', 'accountId');
  return openSession(ctx, em, target);
}

/** Revokes the caller's session. Side effects: writes. */
export async function logout(ctx: Context): Promise<void> {
  const p = requireMember(ctx);
  await ctx.em.nativeUpdate(Session, { id: p.sessionId }, { revokedAt: ctx.deps.clock.now() });
  publishCredentialsChanged(ctx.deps.bus, [`session:${p.sessionId}`]);
}
