import { simpleParser } from 'mailparser';
import type { Config } from '../../src/config';
import { systemEm } from '../../src/context';
import type { AppOptions } from '../../src/app';
import { SystemEmail, SystemEmailKind } from '../../src/modules/mail/system-email.entity';
import { Template } from '../../src/modules/templates/template.entity';
import { AcceptInvitationDocument, InviteMemberDocument, type InviteMemberInput } from '../generated/graphql';
import { unique } from './factories';
import { ok, startTestServer, type TestServer } from './harness';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

/** A password that passes the length rule. */
export const PASSWORD = 'correct horse battery';

/** A fresh address for this test process. */
export function newEmail(): string {
  return `${unique('m')}@example.com`;
}

/** The newest invitation e-mail sent to `email` from `accountId`, read straight from the outbox table. */
export async function invitationEmail(s: TestServer, accountId: string, email: string): Promise<SystemEmail> {
  const rows = await systemEm(s.app.orm).find(SystemEmail, { account: accountId, toEmail: email, kind: SystemEmailKind.MEMBER_INVITATION }, { orderBy: { id: 'desc' }, limit: 1 });
  if (!rows[0]) throw new Error(`no invitation e-mail to ${email}`);
  return rows[0];
}

/** A test server whose system mail is relayed to a loopback SMTP sink: `inbox` is the recipients' mailboxes. */
export type MailTestServer = TestServer & { inbox: SmtpSink };

/** Starts a test server with DELIVERY_MODE=relay to a fresh SMTP sink (closed by `stop`). */
export async function startMailTestServer(overrides: Partial<Config> = {}, options: AppOptions = {}): Promise<MailTestServer> {
  const inbox = await startSmtpSink();
  const s = await startTestServer({ deliveryMode: 'relay', smtpUrl: `smtp://127.0.0.1:${inbox.port}/?tls.rejectUnauthorized=false`, ...overrides }, options);
  return {
    ...s,
    inbox,
    async stop() {
      await s.stop();
      await inbox.close();
    },
  };
}

/** The plain-text body of the newest message the recipient `email` received, as the address owner reads it. */
export async function latestMailText(s: MailTestServer, email: string): Promise<string> {
  const got = await s.inbox.waitFor(email, 1);
  return (await simpleParser(got[got.length - 1].raw)).text ?? '';
}

/** The token in the newest invitation link the address `email` received in its mailbox (never from the outbox). */
export async function invitationToken(s: MailTestServer, email: string): Promise<string> {
  const m = /\/accept-invitation\?token=(mr_link_[0-9A-Za-z]+)/.exec(await latestMailText(s, email));
  if (!m) throw new Error('no invitation link in the e-mail');
  return m[1];
}

/** Invites an address through GraphQL and accepts the invitation; returns the member id and a session token. */
export async function joinAccount(
  s: MailTestServer,
  account: { accountId: string; adminToken: string },
  input: Partial<InviteMemberInput> = {},
  password = PASSWORD,
): Promise<{ memberId: string; email: string; session: string }> {
  const email = input.email ?? newEmail();
  const member = ok(await s.gql(InviteMemberDocument, { input: { role: 'MANAGER', ...input, email } }, account.adminToken)).inviteMember.member;
  const token = await invitationToken(s, email);
  const accepted = ok(await s.gql(AcceptInvitationDocument, { input: { token, password } }, null)).acceptInvitation;
  return { memberId: member.id, email, session: accepted.session.token };
}

/** Inserts a template row on a domain; returns it. */
export async function insertTemplate(s: TestServer, accountId: string, domainUuid: string, name: string): Promise<Template> {
  const em = systemEm(s.app.orm);
  const t = em.create(Template, { account: accountId, domain: domainUuid, tenant: null, name, subject: 'Hello' });
  await em.flush();
  return t;
}
