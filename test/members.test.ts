import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { Permission } from '../src/auth/permissions';
import { generateSecret } from '../src/auth/token-format';
import { fromGlobalId, toGlobalId } from '../src/graphql/global-id';
import { sha256 } from '../src/lib/crypto';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { Membership } from '../src/modules/members/membership.entity';
import { Session } from '../src/modules/members/session.entity';
import {
  AcceptInvitationDocument,
  CreateTenantDocument,
  InviteMemberDocument,
  LoginDocument,
  LogoutDocument,
  MemberNodeDocument,
  MembersDocument,
  MemberViewerDocument,
  MemberVisibleDomainsDocument,
  MemberVisibleTemplatesDocument,
  MemberVisibleTenantsDocument,
  RemoveMemberDocument,
  SwitchAccountDocument,
  UpdateMemberDocument,
} from './generated/graphql';
import { buildTenant, insertApiToken, insertDomain } from './support/factories';
import { errorCode, ok } from './support/harness';
import { PASSWORD, insertTemplate, invitationEmail, invitationToken, joinAccount, newEmail, startMailTestServer, type MailTestServer } from './support/members';

let s: MailTestServer;
beforeAll(async () => {
  s = await startMailTestServer();
});
afterAll(() => s?.stop());

const field = (res: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.field;

describe('invitations', () => {
  it('invites by e-mail, sends the link, and accepting it opens a member session', async () => {
    const a = await s.newAccount('Invite Agency');
    const email = newEmail();
    const invited = ok(await s.gql(InviteMemberDocument, { input: { email: `  ${email.toUpperCase()} `, name: 'Jane', role: 'MANAGER' } }, a.adminToken)).inviteMember.member;
    expect(invited).toMatchObject({ email, status: 'INVITED', role: 'MANAGER', allDomains: true, acceptedAt: null, name: null, templateIds: null });
    expect(invited.permissions).toContain('DOMAINS_MANAGE');
    expect(invited.permissions).not.toContain('MEMBERS_MANAGE');

    const mail = await invitationEmail(s, a.accountId, email);
    expect(mail.subject).toContain('Invite Agency');
    expect(mail.raw).toContain(`To: ${email}`);
    const token = await invitationToken(s, email);
    // The outbox keeps the mail without its secret: only the address's mailbox has a working link.
    expect(mail.text).toContain(`${s.app.config.publicUrl}/accept-invitation?token=[redacted]`);
    expect(JSON.stringify(mail)).not.toContain(token);
    expect(JSON.stringify(mail)).not.toContain(token.slice(8, 30));
    const row = await systemEm(s.app.orm).findOneOrFail(Membership, { account: a.accountId }, { populate: ['invitationTokenHash'] });
    expect(row.invitationTokenHash).toBe(sha256(token));
    expect(row.invitationExpiresAt!.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);

    const short = await s.gql(AcceptInvitationDocument, { input: { token, password: 'short' } }, null);
    expect(short.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    const accepted = ok(await s.gql(AcceptInvitationDocument, { input: { token, password: PASSWORD } }, null)).acceptInvitation;
    expect(accepted.session.token.startsWith('mr_sess_')).toBe(true);
    expect(new Date(accepted.session.expiresAt).getTime() - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);
    expect(accepted.member).toMatchObject({ id: invited.id, status: 'ACTIVE', email, name: 'Jane' });
    const session = await systemEm(s.app.orm).findOneOrFail(Session, { membership: row.id });
    expect(session.tokenHash).toBe(sha256(accepted.session.token));

    const v = ok(await s.gql(MemberViewerDocument, {}, accepted.session.token)).viewer;
    expect(v).toMatchObject({ kind: 'MEMBER', role: 'MANAGER', email, account: { id: toGlobalId('Account', a.accountId) }, scope: { allDomains: true } });
    expect(v.permissions).toContain('DOMAINS_MANAGE');
    expect(v.permissions).not.toContain('BILLING_READ');

    const again = await s.gql(AcceptInvitationDocument, { input: { token, password: PASSWORD } }, null);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    const list = ok(await s.gql(MembersDocument, {}, a.adminToken)).members;
    expect(list.totalCount).toBe(1);
    expect(list.edges[0].node).toMatchObject({ email, status: 'ACTIVE', name: 'Jane' });
    expect(list.edges[0].node.acceptedAt).toBeTruthy();
  });

  it('answers every bad invitation token the same way', async () => {
    const a = await s.newAccount();
    const email = newEmail();
    ok(await s.gql(InviteMemberDocument, { input: { email, role: 'DESIGNER' } }, a.adminToken));
    const token = await invitationToken(s, email);
    await systemEm(s.app.orm).nativeUpdate(Membership, { account: a.accountId }, { invitationExpiresAt: new Date(Date.now() - 1000) });
    const answers = [];
    for (const t of ['nope', generateSecret('link'), generateSecret('session'), token]) {
      const res = await s.gql(AcceptInvitationDocument, { input: { token: t, password: PASSWORD } }, null);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
      answers.push(res.errors?.[0].message);
    }
    expect(new Set(answers).size).toBe(1);
  });

  it('checks the invitation input', async () => {
    const a = await s.newAccount();
    const other = await s.newAccount();
    const foreignDomain = await insertDomain(s, { accountId: other.accountId });
    const email = newEmail();
    ok(await s.gql(InviteMemberDocument, { input: { email, role: 'DESIGNER' } }, a.adminToken));
    const cases: [object, string, string][] = [
      [{ email, role: 'MANAGER' }, 'CONFLICT', 'email'],
      [{ email: 'not an address', role: 'MANAGER' }, 'BAD_USER_INPUT', 'email'],
      [{ email: `${'x'.repeat(250)}@example.com`, role: 'MANAGER' }, 'BAD_USER_INPUT', 'email'],
      [{ email: newEmail(), role: 'MANAGER', permissions: ['EMAIL_SEND'] }, 'BAD_USER_INPUT', 'permissions'],
      [{ email: newEmail(), role: 'DESIGNER', templateIds: [] }, 'BAD_USER_INPUT', 'templateIds'],
      [{ email: newEmail(), role: 'ADMIN', allDomains: false, domainIds: [] }, 'BAD_USER_INPUT', 'role'],
      [{ email: newEmail(), role: 'ACCOUNTANT', allDomains: false, domainIds: [] }, 'BAD_USER_INPUT', 'role'],
      [{ email: newEmail(), role: 'MANAGER', allDomains: false, domainIds: [toGlobalId('Domain', foreignDomain.id)] }, 'NOT_FOUND', 'domainIds'],
      [{ email: newEmail(), role: 'CUSTOM', templateIds: [toGlobalId('Template', foreignDomain.id)] }, 'NOT_FOUND', 'templateIds'],
    ];
    for (const [input, code, name] of cases) {
      const res = await s.gql(InviteMemberDocument, { input: input as never }, a.adminToken);
      expect({ input, code: errorCode(res), field: field(res) }).toEqual({ input, code, field: name });
    }
    expect(
      JSON.stringify(await s.gql(InviteMemberDocument, { input: { email: newEmail(), role: 'MANAGER', allDomains: false, domainIds: [toGlobalId('Domain', foreignDomain.id)] } }, a.adminToken)),
    ).not.toContain(foreignDomain.name);
    const domain = await insertDomain(s, { accountId: a.accountId });
    const scoped = await insertApiToken(s, { accountId: a.accountId, permissions: [Permission.MEMBERS_MANAGE], domainUuid: domain.id });
    const noPerm = await insertApiToken(s, { accountId: a.accountId, permissions: [Permission.DOMAINS_MANAGE] });
    expect(errorCode(await s.gql(InviteMemberDocument, { input: { email: newEmail(), role: 'MANAGER' } }, scoped.secret))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(InviteMemberDocument, { input: { email: newEmail(), role: 'MANAGER' } }, noPerm.secret))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(InviteMemberDocument, { input: { email: newEmail(), role: 'MANAGER' } }, null))).toBe('UNAUTHENTICATED');
    expect(ok(await s.gql(MembersDocument, {}, a.adminToken)).members.totalCount).toBe(1);
  });
});

describe('login, sessions and accounts', () => {
  it('logs in with the right password; a wrong password or unknown address gets the same answer', async () => {
    const a = await s.newAccount();
    const { email, memberId } = await joinAccount(s, a, { role: 'DESIGNER' });
    const login = ok(await s.gql(LoginDocument, { input: { email: email.toUpperCase(), password: PASSWORD } }, null)).login;
    expect(login.member).toMatchObject({ id: memberId, role: 'DESIGNER', email });
    expect(login.accounts.map((x) => x.id)).toEqual([toGlobalId('Account', a.accountId)]);
    expect(ok(await s.gql(MemberViewerDocument, {}, login.token)).viewer).toMatchObject({ kind: 'MEMBER', email });

    const invitedOnly = newEmail();
    ok(await s.gql(InviteMemberDocument, { input: { email: invitedOnly, role: 'MANAGER' } }, a.adminToken));
    const failures = [
      { email, password: 'wrong password!' },
      { email: newEmail(), password: PASSWORD },
      { email: invitedOnly, password: PASSWORD },
      { email: 'not an address', password: PASSWORD },
    ];
    for (const input of failures) {
      const res = await s.gql(LoginDocument, { input }, null);
      expect(res.errors?.[0]).toMatchObject({ message: 'Invalid e-mail or password', extensions: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('acceptInvitation answers a refused password the same whether the address has a password in another agency or none', async () => {
    const elsewhere = await s.newAccount('Elsewhere Agency');
    const b = await s.newAccount('Probing Agency');
    const { email: used } = await joinAccount(s, elsewhere, { role: 'MANAGER' });
    const unused = newEmail();
    for (const email of [used, unused]) ok(await s.gql(InviteMemberDocument, { input: { email, role: 'DESIGNER' } }, b.adminToken));
    const answers = [];
    for (const email of [used, unused]) {
      const res = await s.gql(AcceptInvitationDocument, { input: { token: await invitationToken(s, email), password: 'short' } }, null);
      answers.push({ status: res.status, data: res.data, errors: res.errors?.map((e) => ({ message: e.message, code: e.extensions?.code, field: e.extensions?.field })) });
    }
    expect(answers[0].errors?.[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(answers[0]).toEqual(answers[1]);
    expect(JSON.stringify(answers)).not.toMatch(/already has a password/);
  });

  it('a user in two accounts logs in to each, switches, and sees only that account', async () => {
    const a = await s.newAccount('Alpha Agency');
    const b = await s.newAccount('Beta Agency');
    const c = await s.newAccount('Other Agency');
    ok(await s.gql(CreateTenantDocument, { input: { name: 'Alpha client', tag: 'alpha' } }, a.adminToken));
    ok(await s.gql(CreateTenantDocument, { input: { name: 'Beta client', tag: 'beta' } }, b.adminToken));
    const { email } = await joinAccount(s, a, { role: 'MANAGER' });
    ok(await s.gql(InviteMemberDocument, { input: { email, role: 'DESIGNER' } }, b.adminToken));
    const token = await invitationToken(s, email);
    const wrong = await s.gql(AcceptInvitationDocument, { input: { token, password: 'another password' } }, null);
    expect(wrong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    ok(await s.gql(AcceptInvitationDocument, { input: { token, password: PASSWORD } }, null));

    const ids = { a: toGlobalId('Account', a.accountId), b: toGlobalId('Account', b.accountId), c: toGlobalId('Account', c.accountId) };
    const first = ok(await s.gql(LoginDocument, { input: { email, password: PASSWORD } }, null)).login;
    expect(first.accounts.map((x) => x.id)).toEqual([ids.a, ids.b]);
    expect(first.member.role).toBe('MANAGER');
    const tenantsOf = async (t: string) => ok(await s.gql(MemberVisibleTenantsDocument, {}, t)).tenants.edges.map((e) => e.node.name);
    expect(await tenantsOf(first.token)).toEqual(['Alpha client']);

    const intoB = ok(await s.gql(LoginDocument, { input: { email, password: PASSWORD, accountId: ids.b } }, null)).login;
    expect(intoB.member).toMatchObject({ role: 'DESIGNER', email });
    expect(await tenantsOf(intoB.token)).toEqual(['Beta client']);
    expect(ok(await s.gql(MemberViewerDocument, {}, intoB.token)).viewer.account?.name).toBe('Beta Agency');

    const switched = ok(await s.gql(SwitchAccountDocument, { input: { accountId: ids.b } }, first.token)).switchAccount;
    expect(switched.member).toMatchObject({ role: 'DESIGNER', email });
    expect(ok(await s.gql(MemberViewerDocument, {}, switched.token)).viewer.account?.name).toBe('Beta Agency');
    expect(await tenantsOf(switched.token)).toEqual(['Beta client']);
    expect(await tenantsOf(first.token)).toEqual(['Alpha client']);

    expect(errorCode(await s.gql(SwitchAccountDocument, { input: { accountId: ids.c } }, first.token))).toBe('NOT_FOUND');
    const intoC = await s.gql(LoginDocument, { input: { email, password: PASSWORD, accountId: ids.c } }, null);
    expect(intoC.errors?.[0]).toMatchObject({ message: 'Invalid e-mail or password', extensions: { code: 'UNAUTHENTICATED' } });
    expect(JSON.stringify(intoC)).not.toContain('Other Agency');
    expect(errorCode(await s.gql(SwitchAccountDocument, { input: { accountId: ids.b } }, a.adminToken))).toBe('FORBIDDEN');
  });

  it('logout revokes only the current session', async () => {
    const a = await s.newAccount();
    const { email, session } = await joinAccount(s, a);
    const second = ok(await s.gql(LoginDocument, { input: { email, password: PASSWORD } }, null)).login.token;
    expect(ok(await s.gql(LogoutDocument, {}, session)).logout.loggedOut).toBe(true);
    const after = await s.gql(MemberViewerDocument, {}, session);
    expect(after.status).toBe(401);
    expect(errorCode(after)).toBe('UNAUTHENTICATED');
    expect(ok(await s.gql(MemberViewerDocument, {}, second)).viewer.kind).toBe('MEMBER');
    expect(errorCode(await s.gql(LogoutDocument, {}, a.adminToken))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(LogoutDocument, {}, null))).toBe('UNAUTHENTICATED');
  });
});

describe('roles and access', () => {
  it('DESIGNER, ACCOUNTANT and CUSTOM get what their role grants', async () => {
    const a = await s.newAccount();
    await insertDomain(s, { accountId: a.accountId });
    const designer = await joinAccount(s, a, { role: 'DESIGNER' });
    expect(ok(await s.gql(MemberViewerDocument, {}, designer.session)).viewer.permissions.sort()).toEqual(['DOMAINS_READ', 'TEMPLATES_MANAGE', 'TEMPLATES_READ']);
    expect(ok(await s.gql(MemberVisibleDomainsDocument, {}, designer.session)).domains.totalCount).toBe(1);
    expect(errorCode(await s.gql(CreateTenantDocument, { input: { name: 'X', tag: 'x' } }, designer.session))).toBe('FORBIDDEN');

    const accountant = await joinAccount(s, a, { role: 'ACCOUNTANT' });
    expect(errorCode(await s.gql(MembersDocument, {}, accountant.session))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(MemberNodeDocument, { id: designer.memberId }, accountant.session))).toBeUndefined();
    expect(ok(await s.gql(MemberNodeDocument, { id: designer.memberId }, accountant.session)).node).toBeNull();

    const custom = await joinAccount(s, a, { role: 'CUSTOM', permissions: ['DOMAINS_READ', 'EMAIL_SEND'] });
    const v = ok(await s.gql(MemberViewerDocument, {}, custom.session)).viewer;
    expect(v.permissions.sort()).toEqual(['DOMAINS_READ', 'EMAIL_SEND']);
    expect(ok(await s.gql(MemberVisibleDomainsDocument, {}, custom.session)).domains.totalCount).toBe(1);
    expect(errorCode(await s.gql(CreateTenantDocument, { input: { name: 'X', tag: 'x' } }, custom.session))).toBe('FORBIDDEN');
    const row = ok(await s.gql(MembersDocument, {}, a.adminToken)).members.edges.find((e) => e.node.id === custom.memberId)!.node;
    expect(row).toMatchObject({ role: 'CUSTOM', customPermissions: ['DOMAINS_READ', 'EMAIL_SEND'] });
  });

  it('a MANAGER limited to domain A sees domain A only, until given every domain', async () => {
    const a = await s.newAccount();
    const tenant = await buildTenant(s, a.adminToken, 'Client A');
    const domainA = await insertDomain(s, { accountId: a.accountId, tenantUuid: fromGlobalId(tenant, 'Tenant', 'id') });
    const domainB = await insertDomain(s, { accountId: a.accountId });
    const [gidA, gidB] = [toGlobalId('Domain', domainA.id), toGlobalId('Domain', domainB.id)];
    const m = await joinAccount(s, a, { role: 'MANAGER', allDomains: false, domainIds: [gidA] });
    const v = ok(await s.gql(MemberViewerDocument, {}, m.session)).viewer;
    expect(v.scope).toMatchObject({ allDomains: false, domains: [{ id: gidA }] });
    expect(ok(await s.gql(MemberNodeDocument, { id: gidA }, m.session)).node).toMatchObject({ id: gidA, name: domainA.name });
    const nodeB = await s.gql(MemberNodeDocument, { id: gidB }, m.session);
    expect(nodeB.data?.node).toBeNull();
    expect(JSON.stringify(nodeB)).not.toContain(domainB.name);
    const domains = ok(await s.gql(MemberVisibleDomainsDocument, {}, m.session)).domains;
    expect(domains.edges.map((e) => e.node.id)).toEqual([gidA]);
    expect(ok(await s.gql(MemberVisibleTenantsDocument, {}, m.session)).tenants.edges.map((e) => e.node.id)).toEqual([tenant]);
    expect(errorCode(await s.gql(InviteMemberDocument, { input: { email: newEmail(), role: 'DESIGNER' } }, m.session))).toBe('FORBIDDEN');
    const own = ok(await s.gql(LoginDocument, { input: { email: m.email, password: PASSWORD } }, null)).login.member;
    expect(own.domains).toEqual([{ id: gidA }]);

    const updated = ok(await s.gql(UpdateMemberDocument, { input: { id: m.memberId, allDomains: true } }, a.adminToken)).updateMember.member;
    expect(updated).toMatchObject({ allDomains: true, domains: [] });
    expect(ok(await s.gql(MemberVisibleDomainsDocument, {}, m.session)).domains.totalCount).toBe(2);
    const promote = await s.gql(UpdateMemberDocument, { input: { id: m.memberId, allDomains: false, domainIds: [gidB], role: 'ADMIN' } }, a.adminToken);
    expect(promote.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
  });

  it('a CUSTOM member with a template allow-list sees only those templates', async () => {
    const a = await s.newAccount();
    const domain = await insertDomain(s, { accountId: a.accountId });
    const [t1, t2] = [await insertTemplate(s, a.accountId, domain.id, 'Own'), await insertTemplate(s, a.accountId, domain.id, 'Someone else’s')];
    const gid1 = toGlobalId('Template', t1.id);
    const m = await joinAccount(s, a, { role: 'CUSTOM', permissions: ['TEMPLATES_READ'], templateIds: [gid1] });
    const list = ok(await s.gql(MemberVisibleTemplatesDocument, {}, m.session)).templates;
    expect(list.edges.map((e) => e.node.name)).toEqual(['Own']);
    expect(ok(await s.gql(MemberViewerDocument, {}, m.session)).viewer.scope?.templateIds).toEqual([gid1]);
    expect(ok(await s.gql(MemberNodeDocument, { id: toGlobalId('Template', t2.id) }, m.session)).node).toBeNull();
    const asAdmin = await s.gql(UpdateMemberDocument, { input: { id: m.memberId, role: 'ADMIN', templateIds: [gid1] } }, a.adminToken);
    expect(asAdmin.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'templateIds' });
    const cleared = ok(await s.gql(UpdateMemberDocument, { input: { id: m.memberId, templateIds: null } }, a.adminToken)).updateMember.member;
    expect(cleared).toMatchObject({ templateIds: null, customPermissions: ['TEMPLATES_READ'] });
    expect(ok(await s.gql(MemberVisibleTemplatesDocument, {}, m.session)).templates.totalCount).toBe(2);
  });
});

describe('removing members and keeping the account manageable', () => {
  it('removeMember ends the member’s sessions at once; the address can be invited afresh', async () => {
    const a = await s.newAccount();
    const m = await joinAccount(s, a);
    expect(ok(await s.gql(MemberViewerDocument, {}, m.session)).viewer.kind).toBe('MEMBER');
    expect(ok(await s.gql(RemoveMemberDocument, { input: { id: m.memberId } }, a.adminToken)).removeMember.removedMemberId).toBe(m.memberId);
    const after = await s.gql(MemberViewerDocument, {}, m.session);
    expect([after.status, errorCode(after)]).toEqual([401, 'UNAUTHENTICATED']);
    expect(errorCode(await s.gql(LoginDocument, { input: { email: m.email, password: PASSWORD } }, null))).toBe('UNAUTHENTICATED');
    expect(ok(await s.gql(MembersDocument, {}, a.adminToken)).members.totalCount).toBe(0);
    expect(errorCode(await s.gql(RemoveMemberDocument, { input: { id: m.memberId } }, a.adminToken))).toBe('NOT_FOUND');
    const again = await joinAccount(s, a, { email: m.email }, 'a brand new password');
    expect(ok(await s.gql(MemberViewerDocument, {}, again.session)).viewer.email).toBe(m.email);
  });

  it('keeps at least one active ADMIN or an account-wide token with MEMBERS_MANAGE', async () => {
    const a = await s.newAccount();
    const admin = await joinAccount(s, a, { role: 'ADMIN' });
    await systemEm(s.app.orm).nativeUpdate(ApiToken, { account: a.accountId }, { revokedAt: new Date() });
    await insertApiToken(s, { accountId: a.accountId, permissions: [Permission.MEMBERS_MANAGE], domainUuid: (await insertDomain(s, { accountId: a.accountId })).id });
    const demote = await s.gql(UpdateMemberDocument, { input: { id: admin.memberId, role: 'MANAGER' } }, admin.session);
    expect(demote.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'role' });
    const remove = await s.gql(RemoveMemberDocument, { input: { id: admin.memberId } }, admin.session);
    expect(remove.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(ok(await s.gql(UpdateMemberDocument, { input: { id: admin.memberId, role: 'ADMIN' } }, admin.session)).updateMember.member.role).toBe('ADMIN');

    const second = await joinAccount(s, { accountId: a.accountId, adminToken: admin.session }, { role: 'ADMIN' });
    expect(ok(await s.gql(UpdateMemberDocument, { input: { id: admin.memberId, role: 'MANAGER' } }, second.session)).updateMember.member.role).toBe('MANAGER');
    expect(errorCode(await s.gql(RemoveMemberDocument, { input: { id: second.memberId } }, second.session))).toBe('CONFLICT');
    const token = await insertApiToken(s, { accountId: a.accountId, permissions: [Permission.MEMBERS_MANAGE] });
    expect(ok(await s.gql(RemoveMemberDocument, { input: { id: second.memberId } }, second.session)).removeMember.removedMemberId).toBe(second.memberId);
    expect(ok(await s.gql(MembersDocument, {}, token.secret)).members.totalCount).toBe(1);
  });
});

describe('isolation', () => {
  it('another account’s admin sees none of these members and cannot change them', async () => {
    const a = await s.newAccount();
    const b = await s.newAccount();
    const active = await joinAccount(s, a, { role: 'MANAGER', name: 'Secret Person' });
    const invitedEmail = newEmail();
    const invited = ok(await s.gql(InviteMemberDocument, { input: { email: invitedEmail, role: 'DESIGNER' } }, a.adminToken)).inviteMember.member;
    const list = await s.gql(MembersDocument, {}, b.adminToken);
    const update = await s.gql(UpdateMemberDocument, { input: { id: active.memberId, role: 'DESIGNER' } }, b.adminToken);
    const remove = await s.gql(RemoveMemberDocument, { input: { id: invited.id } }, b.adminToken);
    const node = await s.gql(MemberNodeDocument, { id: active.memberId }, b.adminToken);
    const sw = await s.gql(SwitchAccountDocument, { input: { accountId: toGlobalId('Account', a.accountId) } }, b.adminToken);
    expect(ok(list).members.totalCount).toBe(0);
    expect(errorCode(update)).toBe('NOT_FOUND');
    expect(errorCode(remove)).toBe('NOT_FOUND');
    expect(ok(node).node).toBeNull();
    expect(errorCode(sw)).toBe('FORBIDDEN');
    const responses: unknown[] = [list, update, remove, node, sw];
    // The same address invited by B shows nothing A knows about the person.
    const mirrored = ok(await s.gql(InviteMemberDocument, { input: { email: active.email, role: 'DESIGNER' } }, b.adminToken)).inviteMember.member;
    expect(mirrored).toMatchObject({ status: 'INVITED', name: null, role: 'DESIGNER' });
    responses.push(await s.gql(MembersDocument, {}, b.adminToken));
    const text = JSON.stringify(responses);
    for (const secret of [invitedEmail, 'Secret Person', active.memberId, invited.id]) expect(text).not.toContain(secret);
    expect(ok(await s.gql(MembersDocument, {}, a.adminToken)).members.totalCount).toBe(2);
    expect(ok(await s.gql(MemberViewerDocument, {}, active.session)).viewer.role).toBe('MANAGER');
  });
});
