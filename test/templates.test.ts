import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission, Role } from '../src/auth/permissions';
import { generateSecret } from '../src/auth/token-format';
import { systemEm } from '../src/context';
import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { sha256 } from '../src/lib/crypto';
import { MemberStatus, Membership } from '../src/modules/members/membership.entity';
import { Session } from '../src/modules/members/session.entity';
import { User } from '../src/modules/members/user.entity';
import {
  CreateTemplateDocument,
  DeleteTemplateDocument,
  DomainWithTemplatesDocument,
  DuplicateTemplateDocument,
  TemplateDocument,
  TemplatesDocument,
  UpdateTemplateDocument,
  type CreateTemplateInput,
} from './generated/graphql';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

const uuid = (gid: string) => parseGlobalId(gid)!.id;

/** An account with two tenants, a domain each, and an admin token. */
async function world() {
  const { accountId, adminToken } = await s.newAccount();
  const tenantA = await buildTenant(s, adminToken, 'Client A');
  const tenantB = await buildTenant(s, adminToken, 'Client B');
  const domainA = await insertDomain(s, { accountId, tenantUuid: uuid(tenantA) });
  const domainB = await insertDomain(s, { accountId, tenantUuid: uuid(tenantB) });
  return { accountId, adminToken, tenantA, tenantB, domainA: toGlobalId('Domain', domainA.id), domainB: toGlobalId('Domain', domainB.id), domainAName: domainA.name };
}

function input(domainId: string, extra: Partial<CreateTemplateInput> = {}): CreateTemplateInput {
  return { domainId, name: 'Welcome', subject: 'Hi {{ user.name }}', html: '<p>{% for item in order.items %}{{ item.sku }}{% endfor %}</p>', ...extra };
}

/** A logged-in CUSTOM member limited to `templateIds`; returns its session secret. */
async function allowListMember(accountId: string, templateIds: string[]): Promise<string> {
  const em = systemEm(s.app.orm);
  const user = em.create(User, { email: `${unique('u')}@example.test` });
  const m = em.create(Membership, {
    account: accountId,
    user,
    role: Role.CUSTOM,
    customPermissions: [Permission.TEMPLATES_READ, Permission.TEMPLATES_MANAGE, Permission.DOMAINS_READ],
    templateIds,
    status: MemberStatus.ACTIVE,
  });
  const secret = generateSecret('session');
  em.create(Session, { account: accountId, membership: m, tokenHash: sha256(secret), expiresAt: new Date(Date.now() + 3600_000) });
  await em.flush();
  return secret;
}

describe('templates', () => {
  it('creates with normalised fields and the variables used, reads, updates, duplicates, lists and deletes', async () => {
    const w = await world();
    const created = ok(
      await s.gql(
        CreateTemplateDocument,
        {
          input: input(w.domainA, {
            description: 'First mail',
            text: 'Hello {{ user.name }}',
            tags: ['welcome', 'onboarding:v1'],
            categories: ['Lifecycle'],
            fromEmail: 'News@Bücher.DE',
            fromName: 'Acme',
            replyToEmail: 'help@acme.example',
            replyToName: 'Support',
          }),
        },
        w.adminToken,
      ),
    ).createTemplate.template;
    expect(created).toMatchObject({ name: 'Welcome', fromEmail: 'news@xn--bcher-kva.de', tags: ['welcome', 'onboarding:v1'], categories: ['Lifecycle'], domainId: w.domainA });
    expect(created.variables).toEqual(['order.items', 'user.name']);

    const read = ok(await s.gql(TemplateDocument, { id: created.id }, w.adminToken)).template;
    expect(read.domain).toEqual({ id: w.domainA, name: w.domainAName });

    const updated = ok(await s.gql(UpdateTemplateDocument, { input: { id: created.id, subject: 'Your order {{ order.id }}', html: null, description: null } }, w.adminToken)).updateTemplate.template;
    expect(updated).toMatchObject({ subject: 'Your order {{ order.id }}', html: null, text: 'Hello {{ user.name }}', description: null, name: 'Welcome', fromEmail: 'news@xn--bcher-kva.de' });
    expect(updated.variables).toEqual(['order.id', 'user.name']);
    const noBody = await s.gql(UpdateTemplateDocument, { input: { id: created.id, text: null } }, w.adminToken);
    expect(noBody.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'html' });

    const copy = ok(await s.gql(DuplicateTemplateDocument, { input: { id: created.id } }, w.adminToken)).duplicateTemplate.template;
    expect(copy).toMatchObject({ name: 'Welcome (copy)', domainId: w.domainA, subject: updated.subject, variables: updated.variables, tags: updated.tags });
    expect(copy.id).not.toBe(created.id);
    const moved = ok(await s.gql(DuplicateTemplateDocument, { input: { id: created.id, name: 'For B', domainId: w.domainB } }, w.adminToken)).duplicateTemplate.template;
    expect(moved).toMatchObject({ name: 'For B', domainId: w.domainB });

    const all = ok(await s.gql(TemplatesDocument, { first: 2 }, w.adminToken)).templates;
    expect(all.totalCount).toBe(3);
    expect(all.edges.map((e) => e.node.id)).toEqual([created.id, copy.id]);
    const next = ok(await s.gql(TemplatesDocument, { first: 2, after: all.pageInfo.endCursor }, w.adminToken)).templates;
    expect(next.edges.map((e) => e.node.id)).toEqual([moved.id]);
    expect(ok(await s.gql(TemplatesDocument, { domainId: w.domainB }, w.adminToken)).templates.totalCount).toBe(1);
    expect(ok(await s.gql(TemplatesDocument, { tag: 'onboarding:v1' }, w.adminToken)).templates.totalCount).toBe(3);
    expect(ok(await s.gql(TemplatesDocument, { category: 'Nope' }, w.adminToken)).templates.totalCount).toBe(0);

    const domain = ok(await s.gql(DomainWithTemplatesDocument, { id: w.domainA }, w.adminToken)).node;
    expect(domain && 'templates' in domain ? domain.templates.map((t) => t.name) : null).toEqual(['Welcome', 'Welcome (copy)']);

    expect(ok(await s.gql(DeleteTemplateDocument, { input: { id: copy.id } }, w.adminToken)).deleteTemplate.deletedTemplateId).toBe(copy.id);
    expect(errorCode(await s.gql(TemplateDocument, { id: copy.id }, w.adminToken))).toBe('NOT_FOUND');
    expect(ok(await s.gql(TemplatesDocument, {}, w.adminToken)).templates.totalCount).toBe(2);
  });

  it('refuses a Liquid syntax error with the field, line and column, and saves nothing', async () => {
    const w = await world();
    const bad = await s.gql(CreateTemplateDocument, { input: input(w.domainA, { html: '<p>\n  Hello {{ name \n</p>' }) }, w.adminToken);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'html', line: 2, column: 9 });
    expect(bad.errors?.[0].message).toMatch(/line 2, column 9/);
    const unclosed = await s.gql(CreateTemplateDocument, { input: input(w.domainA, { html: null, text: '{% if x %} yes' }) }, w.adminToken);
    expect(unclosed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text', line: 1, column: 1 });
    expect(ok(await s.gql(TemplatesDocument, {}, w.adminToken)).templates.totalCount).toBe(0);

    const t = ok(await s.gql(CreateTemplateDocument, { input: input(w.domainA) }, w.adminToken)).createTemplate.template;
    const badUpdate = await s.gql(UpdateTemplateDocument, { input: { id: t.id, name: 'Renamed', subject: 'Hi {{ user.name | shout }}' } }, w.adminToken);
    expect(badUpdate.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'subject', line: 1, column: 4 });
    expect(ok(await s.gql(TemplateDocument, { id: t.id }, w.adminToken)).template).toMatchObject({ name: 'Welcome', subject: t.subject });
  });

  it('validates the fields, naming the offending one', async () => {
    const w = await world();
    const cases: [Partial<CreateTemplateInput>, string][] = [
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: '  ' }, 'name'],
      [{ subject: 'Hi\r\nBcc: victim@example.com' }, 'subject'],
      [{ html: null, text: null }, 'html'],
      [{ html: 'x'.repeat(512 * 1024 + 1) }, 'html'],
      [{ tags: ['not a tag'] }, 'tags'],
      [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags'],
      [{ categories: ['x'.repeat(51)] }, 'categories'],
      [{ fromEmail: 'not-an-address' }, 'fromEmail'],
      [{ replyToEmail: 'a@b' }, 'replyToEmail'],
      [{ fromName: 'Evil\nBcc: x' }, 'fromName'],
    ];
    for (const [extra, field] of cases) {
      const res = await s.gql(CreateTemplateDocument, { input: input(w.domainA, extra) }, w.adminToken);
      expect(res.errors?.[0].extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(ok(await s.gql(TemplatesDocument, {}, w.adminToken)).templates.totalCount).toBe(0);
  });

  it('another client sees and changes nothing: other account, tenant-B token, domain-B token', async () => {
    const w = await world();
    const t = ok(await s.gql(CreateTemplateDocument, { input: input(w.domainA, { name: 'Secret welcome' }) }, w.adminToken)).createTemplate.template;
    const all = [Permission.TEMPLATES_READ, Permission.TEMPLATES_MANAGE, Permission.DOMAINS_READ];
    const other = await s.newAccount();
    const tenantB = (await insertApiToken(s, { accountId: w.accountId, permissions: all, tenantUuid: uuid(w.tenantB) })).secret;
    const domainB = (await insertApiToken(s, { accountId: w.accountId, permissions: all, domainUuid: uuid(w.domainB) })).secret;
    for (const token of [other.adminToken, tenantB, domainB]) {
      expect(ok(await s.gql(TemplatesDocument, {}, token)).templates.totalCount).toBe(0);
      expect(ok(await s.gql(TemplatesDocument, { domainId: w.domainA }, token)).templates.totalCount).toBe(0);
      const responses = [
        await s.gql(TemplateDocument, { id: t.id }, token),
        await s.gql(UpdateTemplateDocument, { input: { id: t.id, name: 'pwned' } }, token),
        await s.gql(DuplicateTemplateDocument, { input: { id: t.id } }, token),
        await s.gql(DeleteTemplateDocument, { input: { id: t.id } }, token),
      ];
      expect(responses.map(errorCode)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
      const create = await s.gql(CreateTemplateDocument, { input: input(w.domainA) }, token);
      expect(create.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'domainId' });
      expect(ok(await s.gql(DomainWithTemplatesDocument, { id: w.domainA }, token)).node).toBeNull();
      expect(JSON.stringify([...responses, create])).not.toContain('Secret welcome');
    }
    // A tenant-A token sees it, but cannot copy it into tenant B.
    const tenantA = (await insertApiToken(s, { accountId: w.accountId, permissions: all, tenantUuid: uuid(w.tenantA) })).secret;
    expect(ok(await s.gql(TemplatesDocument, {}, tenantA)).templates.edges.map((e) => e.node.id)).toEqual([t.id]);
    const cross = await s.gql(DuplicateTemplateDocument, { input: { id: t.id, domainId: w.domainB } }, tenantA);
    expect(cross.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'domainId' });
    expect(ok(await s.gql(TemplateDocument, { id: t.id }, w.adminToken)).template.name).toBe('Secret welcome');
    expect(ok(await s.gql(TemplatesDocument, {}, w.adminToken)).templates.totalCount).toBe(1);
  });

  it('needs TEMPLATES_MANAGE to write and TEMPLATES_READ to read; Template.domain needs DOMAINS_READ', async () => {
    const w = await world();
    const t = ok(await s.gql(CreateTemplateDocument, { input: input(w.domainA) }, w.adminToken)).createTemplate.template;
    const reader = (await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.TEMPLATES_READ] })).secret;
    expect(errorCode(await s.gql(CreateTemplateDocument, { input: input(w.domainA) }, reader))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(UpdateTemplateDocument, { input: { id: t.id, name: 'x' } }, reader))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(DeleteTemplateDocument, { input: { id: t.id } }, reader))).toBe('FORBIDDEN');
    const read = ok(await s.gql(TemplateDocument, { id: t.id }, reader)).template;
    expect(read).toMatchObject({ id: t.id, domainId: w.domainA, domain: null });
    const sender = (await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.EMAIL_SEND] })).secret;
    expect(errorCode(await s.gql(TemplatesDocument, {}, sender))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(TemplatesDocument, {}, null))).toBe('UNAUTHENTICATED');
  });

  it('a member limited to a list of templates updates those, but cannot create, duplicate or see others', async () => {
    const w = await world();
    const mine = ok(await s.gql(CreateTemplateDocument, { input: input(w.domainA, { name: 'Mine' }) }, w.adminToken)).createTemplate.template;
    const hidden = ok(await s.gql(CreateTemplateDocument, { input: input(w.domainA, { name: 'Hidden' }) }, w.adminToken)).createTemplate.template;
    const session = await allowListMember(w.accountId, [uuid(mine.id)]);
    expect(ok(await s.gql(TemplatesDocument, {}, session)).templates.edges.map((e) => e.node.id)).toEqual([mine.id]);
    expect(ok(await s.gql(UpdateTemplateDocument, { input: { id: mine.id, name: 'Mine v2' } }, session)).updateTemplate.template.name).toBe('Mine v2');
    expect(errorCode(await s.gql(UpdateTemplateDocument, { input: { id: hidden.id, name: 'x' } }, session))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(CreateTemplateDocument, { input: input(w.domainA) }, session))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(DuplicateTemplateDocument, { input: { id: mine.id } }, session))).toBe('FORBIDDEN');
    expect(ok(await s.gql(TemplatesDocument, {}, w.adminToken)).templates.totalCount).toBe(2);
  });
});
