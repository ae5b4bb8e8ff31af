import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { SenderIdentity } from '../src/modules/identities/sender-identity.entity';
import { Membership } from '../src/modules/members/membership.entity';
import { CreateApiTokenDocument, InviteMemberDocument, MemberVisibleTemplatesDocument, RemoveMemberDocument, TemplateDocument, TenantDocument, UpdateMemberDocument } from './generated/graphql';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, ok } from './support/harness';
import { insertTemplate, joinAccount, newEmail, startMailTestServer, type MailTestServer } from './support/members';

let s: MailTestServer;
beforeAll(async () => {
  s = await startMailTestServer();
});
afterAll(() => s?.stop());

const uuid = (gid: string) => parseGlobalId(gid)!.id;
const P = Permission;

/** Two clients: A with its own domain, B with an identity on the agency's domain; an admin token. */
async function world() {
  const a = await s.newAccount();
  const tenantA = await buildTenant(s, a.adminToken, 'Client A');
  const tenantB = await buildTenant(s, a.adminToken, 'Client B');
  const domainA = await insertDomain(s, { accountId: a.accountId, tenantUuid: uuid(tenantA) });
  const agency = await insertDomain(s, { accountId: a.accountId, tenantUuid: null });
  const em = systemEm(s.app.orm);
  const identityB = em.create(SenderIdentity, { account: a.accountId, tenant: uuid(tenantB), domain: agency.id, email: `${unique('b')}@client-b.example` });
  await em.flush();
  const templateA = await insertTemplate(s, a.accountId, domainA.id, 'A welcome');
  const templateB = await insertTemplate(s, a.accountId, agency.id, 'B secret offer');
  return { ...a, tenantA, tenantB, domainA, agency, identityB: toGlobalId('SenderIdentity', identityB.id), templateA: templateA.gid, templateB: templateB.gid };
}

describe('a token never mints a child that reads more than its creator', () => {
  it('an agency-domain token cannot create an identity token for a client it cannot read (the child would read tenant B)', async () => {
    const w = await world();
    const { secret: parent } = await insertApiToken(s, { accountId: w.accountId, domainUuid: w.agency.id, permissions: [P.TOKENS_MANAGE, P.IDENTITIES_READ] });
    // The parent gets NOT_FOUND for tenant B …
    expect(errorCode(await s.gql(TenantDocument, { id: w.tenantB }, parent))).toBe('NOT_FOUND');
    // … so it may not hand out a token that reads it.
    const res = await s.gql(CreateApiTokenDocument, { input: { name: 'child', permissions: [P.IDENTITIES_READ], senderIdentityId: w.identityB } }, parent);
    expect(errorCode(res)).toBe('FORBIDDEN');
    expect(res.data).toBeNull();
    // An identity token created by the admin does read tenant B: the refusal above is what kept it out.
    const adminChild = ok(await s.gql(CreateApiTokenDocument, { input: { name: 'child', permissions: [P.IDENTITIES_READ], senderIdentityId: w.identityB } }, w.adminToken)).createApiToken;
    expect(ok(await s.gql(TenantDocument, { id: w.tenantB }, adminChild.secret)).tenant).toMatchObject({ name: 'Client B' });
    // A domain token for the same agency domain stays grantable: it reads nothing the parent cannot.
    const sibling = ok(await s.gql(CreateApiTokenDocument, { input: { name: 'same domain', permissions: [P.IDENTITIES_READ], domainId: w.agency.gid } }, parent)).createApiToken;
    expect(sibling.apiToken.scope).toMatchObject({ kind: 'DOMAIN' });
  });

  it('a member limited to the agency domain cannot create that identity token either', async () => {
    const w = await world();
    const m = await joinAccount(s, w, { role: 'CUSTOM', allDomains: false, domainIds: [w.agency.gid], permissions: [P.TOKENS_MANAGE, P.IDENTITIES_READ] });
    expect(errorCode(await s.gql(TenantDocument, { id: w.tenantB }, m.session))).toBe('NOT_FOUND');
    const res = await s.gql(CreateApiTokenDocument, { input: { name: 'child', permissions: [P.IDENTITIES_READ], senderIdentityId: w.identityB } }, m.session);
    expect(errorCode(res)).toBe('FORBIDDEN');
  });

  it('an account-wide principal cannot invite or promote a member above itself, nor change or remove one', async () => {
    const w = await world();
    const { secret: membersOnly } = await insertApiToken(s, { accountId: w.accountId, permissions: [P.MEMBERS_MANAGE, P.DOMAINS_READ] });
    const invite = await s.gql(InviteMemberDocument, { input: { email: newEmail(), role: 'ADMIN' } }, membersOnly);
    expect(invite.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'role' });
    const custom = await s.gql(InviteMemberDocument, { input: { email: newEmail(), role: 'CUSTOM', permissions: [P.DOMAINS_READ, P.EMAIL_SEND] } }, membersOnly);
    expect(custom.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'role', missingPermissions: ['EMAIL_SEND'] });
    const within = ok(await s.gql(InviteMemberDocument, { input: { email: newEmail(), role: 'CUSTOM', permissions: [P.DOMAINS_READ] } }, membersOnly)).inviteMember.member;
    const promote = await s.gql(UpdateMemberDocument, { input: { id: within.id, role: 'MANAGER' } }, membersOnly);
    expect(errorCode(promote)).toBe('FORBIDDEN');
    const manager = await joinAccount(s, w, { role: 'MANAGER' });
    expect(errorCode(await s.gql(RemoveMemberDocument, { input: { id: manager.memberId } }, membersOnly))).toBe('FORBIDDEN');
    const row = await systemEm(s.app.orm).findOneOrFail(Membership, { id: uuid(manager.memberId) });
    expect(row.role).toBe('MANAGER');
  });
});

describe('a template allow-list only narrows', () => {
  it('inviteMember rejects templates outside the member’s domains exactly as unknown ids; updateMember too', async () => {
    const w = await world();
    const limited = { role: 'CUSTOM' as const, allDomains: false, domainIds: [w.domainA.gid], permissions: [P.TEMPLATES_READ] };
    const res = await s.gql(InviteMemberDocument, { input: { ...limited, email: newEmail(), templateIds: [w.templateA, w.templateB] } }, w.adminToken);
    const unknown = await s.gql(
      InviteMemberDocument,
      { input: { ...limited, email: newEmail(), templateIds: [w.templateA, toGlobalId('Template', '6f1c0b8e-1111-4222-8333-944455556666')] } },
      w.adminToken,
    );
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'templateIds' });
    expect(res.errors?.[0].message).toBe(unknown.errors?.[0].message);
    expect(res.errors?.[0].extensions).toEqual(unknown.errors?.[0].extensions);

    const m = await joinAccount(s, w, { ...limited, templateIds: [w.templateA] });
    const widen = await s.gql(UpdateMemberDocument, { input: { id: m.memberId, templateIds: [w.templateA, w.templateB] } }, w.adminToken);
    expect(widen.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'templateIds' });
    const visible = ok(await s.gql(MemberVisibleTemplatesDocument, {}, m.session)).templates;
    expect(visible.edges.map((e) => e.node.id)).toEqual([w.templateA]);
  });

  it('the row filter intersects the domain limit with the allow-list (a stored list naming B’s template reads nothing of B)', async () => {
    const w = await world();
    const m = await joinAccount(s, w, { role: 'CUSTOM', allDomains: false, domainIds: [w.domainA.gid], permissions: [P.TEMPLATES_READ], templateIds: [w.templateA] });
    // A list written before this check existed (or by hand) still names B's template.
    await systemEm(s.app.orm).nativeUpdate(Membership, { id: uuid(m.memberId) }, { templateIds: [uuid(w.templateA), uuid(w.templateB)] });
    const visible = ok(await s.gql(MemberVisibleTemplatesDocument, {}, m.session)).templates;
    expect(visible.totalCount).toBe(1);
    expect(visible.edges.map((e) => e.node.id)).toEqual([w.templateA]);
    const b = await s.gql(TemplateDocument, { id: w.templateB }, m.session);
    expect(errorCode(b)).toBe('NOT_FOUND');
    expect(JSON.stringify(b)).not.toContain('B secret offer');
  });
});
