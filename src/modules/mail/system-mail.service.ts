import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import type { Config } from '../../config';
import { type Context, type Deps, requireAccountWide, requirePermission } from '../../context';
import { paginate, type Page, type PageArgs } from '../../graphql/pagination';
import { SystemEmail, type SystemEmailKind } from './system-email.entity';

/** What to send as a system e-mail, and what it relates to. */
export interface SystemEmailRequest {
  accountId: string;
  kind: SystemEmailKind;
  to: string;
  subject: string;
  text: string;
  html?: string;
  tenantId?: string | null;
  senderIdentityId?: string | null;
}

/** The platform's own sender address for system mail. */
export function systemSender(config: Config): { email: string; name: string } {
  return { email: `no-reply@${config.mailDomain}`, name: 'Mailroom' };
}

/**
 * Hands a system e-mail to the mail transport (sandbox: rendered, stored, not sent) and stores it
 * with its raw MIME in `system_emails`, flushing `em`. Call it inside the transaction that writes
 * the token the e-mail carries, so a failed send leaves no token behind. Side effects: mail, write.
 */
export async function sendSystemEmail(em: EntityManager, deps: Deps, config: Config, req: SystemEmailRequest): Promise<SystemEmail> {
  const sent = await deps.mailer.send({ from: systemSender(config), to: req.to, subject: req.subject, text: req.text, html: req.html });
  const now = deps.clock.now();
  const row = em.create(SystemEmail, {
    account: req.accountId,
    kind: req.kind,
    tenantId: req.tenantId ?? null,
    senderIdentityId: req.senderIdentityId ?? null,
    toEmail: req.to,
    subject: req.subject,
    text: req.text,
    raw: sent.raw,
    messageId: sent.messageId,
    createdAt: now,
    updatedAt: now,
  });
  await em.flush();
  return row;
}

/** Lists the account's system e-mails (the sandbox outbox), newest last. Needs MEMBERS_MANAGE and an account-wide principal. */
export async function listSystemEmails(ctx: Context, args: PageArgs, kind: SystemEmailKind | null | undefined): Promise<Page<SystemEmail>> {
  requirePermission(ctx, Permission.MEMBERS_MANAGE);
  const scope = requireAccountWide(ctx);
  return paginate(ctx.em, SystemEmail, { account: scope.accountId, ...(kind ? { kind } : {}) }, args);
}
