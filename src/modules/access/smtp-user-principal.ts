import type { MikroORM } from '@mikro-orm/postgresql';
import type { Principal } from '../../auth/principal';
import { refusedAs } from '../../auth/refusal';
import type { Scope } from '../../auth/scope';
import { systemEm } from '../../context';
import { unauthenticated } from '../../graphql/errors';
import { digestEquals, sha256 } from '../../lib/crypto';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { SMTP_USER_PERMISSIONS, SmtpUser } from '../smtp-relay/smtp-user.entity';

const TOUCH_AFTER_MS = 30_000;

/**
 * The SMTP user with this user name and password, when it exists and is enabled; null otherwise (the
 * same answer for an unknown name, a wrong password and a disabled user). Touches lastUsedAt (at most
 * every 30 s). Reads across accounts: the listener's system entity manager.
 */
export async function authenticateSmtpUser(orm: MikroORM, username: string, password: string, now: Date): Promise<SmtpUser | null> {
  const em = systemEm(orm);
  const user = await em.findOne(SmtpUser, { username }, { populate: ['passwordHash'] });
  if (!user || !digestEquals(user.passwordHash, sha256(password)) || !user.enabled) return null;
  if (!user.lastUsedAt || now.getTime() - user.lastUsedAt.getTime() > TOUCH_AFTER_MS) await em.nativeUpdate(SmtpUser, { id: user.id }, { lastUsedAt: now });
  return user;
}

/**
 * The principal an SMTP user sends as, its scope resolved now: its domain or its sender identity, and
 * EMAIL_SEND only; it carries `smtpUserId` (the request log files its calls as the SMTP user's). Null
 * when the user (or its domain or identity) is gone. A user disabled since it authenticated throws
 * UNAUTHENTICATED marked with its principal (refusedAs: the refused message is logged under it). Reads only.
 */
export async function smtpUserPrincipal(orm: MikroORM, userId: string): Promise<Principal | null> {
  const em = systemEm(orm);
  const user = await em.findOne(SmtpUser, { id: userId });
  if (!user) return null;
  const accountId = user.account.id;
  const base = { accountId, permissions: [...SMTP_USER_PERMISSIONS], templateIds: null, membershipId: null, principalKey: `smtp:${user.id}`, allDomains: false, tenantIds: [] };
  let scope: Scope;
  if (user.domain) {
    const d = await em.findOne(Domain, { id: user.domain.id, account: accountId });
    if (!d) return null;
    scope = { ...base, domainIds: [d.id], identityIds: [], readableTenantIds: d.tenant ? [d.tenant.id] : [] };
  } else {
    const i = await em.findOne(SenderIdentity, { id: user.senderIdentity!.id, account: accountId });
    if (!i) return null;
    scope = { ...base, domainIds: [], identityIds: [i.id], readableTenantIds: [i.tenant.id] };
  }
  // Counted like an API token (under the SMTP user's id); it never reaches the token table.
  const principal: Principal = { kind: 'API_TOKEN', tokenId: user.id, smtpUserId: user.id, label: `SMTP user ${user.name}`, scope };
  if (!user.enabled) throw refusedAs(unauthenticated('This SMTP user is disabled'), principal);
  return principal;
}
