import type { EntityManager } from '@mikro-orm/postgresql';
import nodemailer from 'nodemailer';
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
  /** Secrets in the body (the link token that proves the address): sent to the address, never stored or shown. */
  secrets: readonly string[];
}

/** What stands in the stored copy where a secret was. */
export const REDACTED = '[redacted]';

/** `body` with every secret replaced by REDACTED (also URL-encoded forms). Pure. */
export function redactSecrets(body: string, secrets: readonly string[]): string {
  let out = body;
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

const renderer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** The MIME of the stored copy: the message as sent, with the same Message-ID, but its body redacted. */
async function redactedMime(from: { email: string; name: string }, req: SystemEmailRequest, messageId: string, text: string, html: string | undefined): Promise<string> {
  const built = await renderer.sendMail({ from: { address: from.email, name: from.name }, to: req.to, subject: req.subject, text, html, messageId });
  return (built.message as Buffer).toString('utf8');
}

/** The platform's own sender address for system mail. */
export function systemSender(config: Config): { email: string; name: string } {
  return { email: `no-reply@${config.mailDomain}`, name: 'Mailroom' };
}

/**
 * Hands a system e-mail to the mail transport (sandbox: rendered, not sent) and stores its metadata
 * and a copy with `secrets` redacted in `system_emails`, flushing `em`: the link that proves an
 * address reaches that address only, never the outbox, an admin or the database. Call it inside
 * the transaction that writes the token the e-mail carries, so a failed send leaves no token
 * behind. Side effects: mail, write.
 */
export async function sendSystemEmail(em: EntityManager, deps: Deps, config: Config, req: SystemEmailRequest): Promise<SystemEmail> {
  const from = systemSender(config);
  const sent = await deps.mailer.send({ from, to: req.to, subject: req.subject, text: req.text, html: req.html });
  const text = redactSecrets(req.text, req.secrets);
  const html = req.html === undefined ? undefined : redactSecrets(req.html, req.secrets);
  const now = deps.clock.now();
  const row = em.create(SystemEmail, {
    account: req.accountId,
    kind: req.kind,
    tenantId: req.tenantId ?? null,
    senderIdentityId: req.senderIdentityId ?? null,
    toEmail: req.to,
    subject: req.subject,
    text,
    raw: await redactedMime(from, req, sent.messageId, text, html),
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
