import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import { generateSecret, isWellFormedSecret } from '../../auth/token-format';
import type { Config } from '../../config';
import { type Context, type Deps, requirePermission, systemEm } from '../../context';
import { SCOPE_FILTER } from '../../db/scope-filter';
import { fromGlobalId } from '../../graphql/global-id';
import { sha256 } from '../../lib/crypto';
import { Account } from '../accounts/account.entity';
import { SystemEmail, SystemEmailKind } from '../mail/system-email.entity';
import { sendSystemEmail } from '../mail/system-mail.service';
import { CONFIRMATION_TTL_MS, renderConfirmationEmail } from './confirmation-email';
import { SenderIdentity, SenderIdentityStatus } from './sender-identity.entity';
import { alreadyConfirmed, identityNotFound, invalidConfirmationToken, resendTooSoon } from './sender-identity.errors';
import { insertPlatformEvents } from '../../events/platform-events.queries';

/** At most one resend per this window. */
export const RESEND_INTERVAL_MS = 60_000;

/**
 * Starts a new confirmation for `identity`: a fresh random token (only its SHA-256 is stored, which
 * spends any earlier token), and the e-mail with the link, sent and stored as a SystemEmail.
 * Call inside the transaction that writes the identity. Side effects: write, mail.
 */
export async function sendConfirmation(em: EntityManager, deps: Deps, config: Config, identity: SenderIdentity): Promise<void> {
  const token = generateSecret('link');
  const accountId = identity.account.id;
  const account = await em.findOneOrFail(Account, { id: accountId });
  identity.issueConfirmation(sha256(token), deps.clock.now(), CONFIRMATION_TTL_MS);
  await em.flush();
  const mail = renderConfirmationEmail({ publicUrl: config.publicUrl, token, email: identity.email, name: identity.name, accountName: account.name, personalNote: identity.personalNote });
  await sendSystemEmail(em, deps, config, {
    accountId,
    kind: SystemEmailKind.SENDER_CONFIRMATION,
    to: identity.email,
    ...mail,
    tenantId: identity.tenant.id,
    senderIdentityId: identity.id,
    secrets: [token],
  });
}

/** Seconds until another resend is allowed, or 0. Counts resends only: the first e-mail (at creation) is not one. */
async function resendWait(em: EntityManager, identity: SenderIdentity, now: Date): Promise<number> {
  // System e-mails are hidden from scoped principals; this internal check names the account explicitly.
  const recent = await em.find(
    SystemEmail,
    { account: identity.account.id, kind: SystemEmailKind.SENDER_CONFIRMATION, senderIdentityId: identity.id },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 2, filters: { [SCOPE_FILTER]: false } },
  );
  if (recent.length < 2) return 0;
  const left = recent[0].createdAt.getTime() + RESEND_INTERVAL_MS - now.getTime();
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

/**
 * Sends a pending identity a new confirmation e-mail; the earlier link stops working. Needs
 * IDENTITIES_MANAGE; RATE_LIMITED when the last resend was under a minute ago. Side effects: write, mail.
 */
export async function resendConfirmation(ctx: Context, gid: string): Promise<SenderIdentity> {
  requirePermission(ctx, Permission.IDENTITIES_MANAGE);
  const id = fromGlobalId(gid, 'SenderIdentity', 'id');
  return ctx.em.transactional(async (em) => {
    // The row lock serialises concurrent resends (and a confirmation racing them).
    const identity = await em.findOne(SenderIdentity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!identity) throw identityNotFound();
    if (identity.status === SenderIdentityStatus.CONFIRMED) throw alreadyConfirmed();
    const wait = await resendWait(em, identity, ctx.deps.clock.now());
    if (wait > 0) throw resendTooSoon(wait);
    await sendConfirmation(em, ctx.deps, ctx.config, identity);
    return identity;
  });
}

function tokenHash(token: unknown): string {
  if (typeof token !== 'string' || !isWellFormedSecret(token, 'link')) throw invalidConfirmationToken();
  return sha256(token);
}

/** The pending identity a confirmation token belongs to, without confirming it (for the link's page). Read-only. */
export async function findByConfirmationToken(orm: MikroORM, deps: Deps, token: unknown): Promise<SenderIdentity> {
  const hash = tokenHash(token);
  const identity = await systemEm(orm).findOne(SenderIdentity, { confirmationTokenHash: hash, status: SenderIdentityStatus.PENDING, confirmationExpiresAt: { $gt: deps.clock.now() } });
  if (!identity) throw invalidConfirmationToken();
  return identity;
}

/**
 * Confirms the identity a token belongs to and spends the token. Public: the token is the only
 * credential, looked up by its SHA-256 across accounts. Unknown, expired and used tokens all give
 * the same BAD_USER_INPUT. Records a SENDER_IDENTITY_VERIFIED platform event in the same transaction.
 * Side effect: write.
 */
export async function confirmByToken(system: EntityManager, deps: Deps, token: unknown): Promise<SenderIdentity> {
  const hash = tokenHash(token);
  return system.transactional(async (em) => {
    const now = deps.clock.now();
    const identity = await em.findOne(
      SenderIdentity,
      { confirmationTokenHash: hash },
      {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        // The hash is lazy: load it so that spending it (setting null) is seen as a change.
        populate: ['confirmationTokenHash'],
      },
    );
    const expires = identity?.confirmationExpiresAt;
    if (!identity || identity.status !== SenderIdentityStatus.PENDING || !expires || expires <= now) throw invalidConfirmationToken();
    identity.confirm(now);
    await em.flush();
    const data = { email: identity.email, name: identity.name ?? null };
    await insertPlatformEvents(em, [
      { type: 'SENDER_IDENTITY_VERIFIED', accountId: identity.account.id, tenantId: identity.tenant.id, domainId: identity.domain.id, senderIdentityId: identity.id, subjectId: identity.id, data },
    ]);
    return identity;
  });
}

/** The confirmSenderIdentity mutation: confirmByToken across accounts (the token is the credential). Public. Side effect: write. */
export function confirmSenderIdentity(ctx: Context, token: unknown): Promise<SenderIdentity> {
  return confirmByToken(ctx.systemAccess.em(), ctx.deps, token);
}
