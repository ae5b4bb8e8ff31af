import { systemEm } from '../../src/context';
import { SystemEmail, SystemEmailKind } from '../../src/modules/mail/system-email.entity';
import { Template } from '../../src/modules/templates/template.entity';
import { AcceptInvitationDocument, InviteMemberDocument, type InviteMemberInput } from '../generated/graphql';
import { unique } from './factories';
import { ok, type TestServer } from './harness';

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

/** The token in the newest invitation link sent to `email`. */
export async function invitationToken(s: TestServer, accountId: string, email: string): Promise<string> {
  const mail = await invitationEmail(s, accountId, email);
  const m = /\/accept-invitation\?token=(mr_link_[0-9A-Za-z]+)/.exec(mail.text);
  if (!m) throw new Error('no invitation link in the e-mail');
  return m[1];
}

/** Invites an address through GraphQL and accepts the invitation; returns the member id and a session token. */
export async function joinAccount(
  s: TestServer,
  account: { accountId: string; adminToken: string },
  input: Partial<InviteMemberInput> = {},
  password = PASSWORD,
): Promise<{ memberId: string; email: string; session: string }> {
  const email = input.email ?? newEmail();
  const member = ok(await s.gql(InviteMemberDocument, { input: { role: 'MANAGER', ...input, email } }, account.adminToken)).inviteMember.member;
  const token = await invitationToken(s, account.accountId, email);
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
