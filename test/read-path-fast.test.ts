import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDashboard } from '../bench/seed';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { insertApiToken } from './support/factories';
import { ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
let account: { accountId: string; adminToken: string };
let noTemplates: string;
beforeAll(async () => {
  s = await startTestServer();
  account = await s.newAccount();
  await seedDashboard(s.app.orm, account.accountId, s.app.config.secret, { tenants: 2, domainsPerTenant: 2, templatesPerDomain: 2, identitiesPerTenant: 1 });
  noTemplates = (await insertApiToken(s, { accountId: account.accountId, permissions: [Permission.DOMAINS_READ, Permission.IDENTITIES_READ] })).secret;
});
afterAll(() => s?.stop());

const DASHBOARD = '{ tenants(first: 5) { edges { node { name senderIdentities { email } domains { name templates { name } senderIdentities { email } } } } } }';

async function post(body: object, token: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('field guards checked once per request', () => {
  it('a field without the permission is refused (FORBIDDEN, its path) while another principal’s request beside it resolves', async () => {
    // Side by side: one principal's passed check never serves the other's request.
    const [refused, full] = await Promise.all([s.gql<any, any>(DASHBOARD, {}, noTemplates), s.gql<any, any>(DASHBOARD, {}, account.adminToken)]);
    // The lists are non-null, so the refusal nulls the page up to `data`, exactly as type-graphql's own guard does.
    expect(refused.data).toBeNull();
    expect(refused.errors?.map((e) => [e.extensions?.code, e.message, e.path?.join('.')])).toEqual([['FORBIDDEN', 'Missing permission: TEMPLATES_READ', 'tenants.edges.0.node.domains.0.templates']]);
    const node = ok(full).tenants.edges[0].node;
    expect(node.senderIdentities).toHaveLength(1);
    expect(node.domains.map((d: any) => d.templates.map((t: any) => t.name))).toEqual([
      ['Template 0', 'Template 1'],
      ['Template 0', 'Template 1'],
    ]);
  });

  it('each request checks again, and permissions the token holds still resolve', async () => {
    for (let i = 0; i < 2; i++) {
      const again = await s.gql<any, any>('{ tenants(first: 1) { edges { node { domains { templates { name } } } } } }', {}, noTemplates);
      expect(again.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['FORBIDDEN', 'tenants.edges.0.node.domains.0.templates']]);
      const allowed = ok(await s.gql<any, any>('{ tenants(first: 1) { edges { node { domains { name senderIdentities { email } } } } } }', {}, noTemplates));
      expect(allowed.tenants.edges[0].node.domains).toHaveLength(2);
    }
  });
});

describe('repeated documents are parsed once', () => {
  const doc = 'query Q($n: Int!) { tenants(first: $n) { edges { node { name } } } } query R { tenants(first: 1) { totalCount } }';

  it('the same text with other variables and operation names answers for each request', async () => {
    const one = await post({ query: doc, variables: { n: 1 }, operationName: 'Q' }, account.adminToken);
    const two = await post({ query: doc, variables: { n: 2 }, operationName: 'Q' }, account.adminToken);
    const r = await post({ query: doc, operationName: 'R' }, account.adminToken);
    expect(one.json.data.tenants.edges.map((e: any) => e.node.name)).toEqual(['Client 0']);
    expect(two.json.data.tenants.edges.map((e: any) => e.node.name)).toEqual(['Client 0', 'Client 1']);
    expect(r.json.data.tenants).toEqual({ totalCount: 2 });
  });

  it('a known document still has its variables checked and a subscription is still refused over HTTP', async () => {
    await post({ query: doc, variables: { n: 1 }, operationName: 'Q' }, account.adminToken);
    const nul = await post({ query: doc, variables: { n: 1, x: 'a\u0000b' }, operationName: 'Q' }, account.adminToken);
    expect(nul.json.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'x' });
    const sub = 'subscription { activity { id } }';
    for (let i = 0; i < 2; i++) {
      const res = await post({ query: sub }, account.adminToken);
      expect(res.json.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
      expect(res.json.errors[0].message).toMatch(/served over the WebSocket/);
    }
  });

  it('a document refused for its nesting is refused every time', async () => {
    const deep = `{ ${'a { '.repeat(200)}b${' }'.repeat(200)} }`;
    for (let i = 0; i < 2; i++) {
      const res = await post({ query: deep }, account.adminToken);
      expect(res.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.json.data).toBeUndefined();
    }
  });
});

describe('the top-level lists read plain rows', () => {
  it('domains, templates and sender identities answer every column, relation and computed field', async () => {
    const res = ok(
      await s.gql<any, any>(
        `{ domains(first: 10) { totalCount edges { node { id name status dkimSelector createdAt dnsRecords { type } tenant { name } templates { name } senderIdentities { email } } } }
           templates(first: 2) { totalCount edges { node { id name subject html variables tags domainId domain { name } } } }
           senderIdentities(first: 5) { totalCount edges { node { id email status confirmedAt warnings { code } tenant { name } domain { name } } } } }`,
        {},
        account.adminToken,
      ),
    );
    // The agency domain (no tenant) comes first, then the clients' domains.
    expect(res.domains.totalCount).toBe(5);
    const [agency, first] = res.domains.edges.map((e: any) => e.node);
    expect(agency).toMatchObject({ status: 'VERIFIED', dkimSelector: 'mr1', tenant: null, templates: [] });
    expect(agency.senderIdentities.map((i: any) => i.email)).toHaveLength(2);
    expect(first).toMatchObject({ tenant: { name: 'Client 0' }, templates: [{ name: 'Template 0' }, { name: 'Template 1' }] });
    expect(first.id).not.toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(first.createdAt).getTime()).toBeGreaterThan(0);
    expect(res.templates.totalCount).toBe(8);
    expect(res.templates.edges[0].node).toMatchObject({
      name: 'Template 0',
      subject: 'Hello {{ name }}',
      html: '<p>Hello {{ name }}</p>',
      variables: ['name'],
      tags: [],
      domainId: first.id,
      domain: { name: first.name },
    });
    expect(res.senderIdentities.totalCount).toBe(2);
    expect(res.senderIdentities.edges[0].node).toMatchObject({ status: 'CONFIRMED', tenant: { name: 'Client 0' }, domain: { name: agency.name } });
    expect(res.senderIdentities.edges[0].node.confirmedAt).toEqual(expect.any(String));
  });

  it('a tenant-scoped token lists only its own tenant’s rows, and the page cursors still work', async () => {
    const tenants = ok(await s.gql<any, any>('{ tenants(first: 2) { edges { node { id name } } } }', {}, account.adminToken)).tenants.edges;
    const second = await systemEm(s.app.orm).findOneOrFail(Tenant, { account: account.accountId, name: tenants[1].node.name });
    const { secret } = await insertApiToken(s, { accountId: account.accountId, permissions: [Permission.DOMAINS_READ, Permission.TEMPLATES_READ, Permission.IDENTITIES_READ], tenantUuid: second.id });
    const one = ok(
      await s.gql<any, any>(
        '{ domains(first: 1) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } templates(first: 10) { totalCount } senderIdentities { totalCount edges { node { tenant { name } } } } }',
        {},
        secret,
      ),
    );
    expect(one.domains.totalCount).toBe(2);
    expect(one.domains.edges[0].node.name).toMatch(/^c1-d0-/);
    expect(one.templates.totalCount).toBe(4);
    expect(one.senderIdentities.edges.map((e: any) => e.node.tenant.name)).toEqual(['Client 1']);
    const next = ok(await s.gql<any, any>('query($a: String) { domains(first: 1, after: $a) { edges { node { name } } pageInfo { hasNextPage } } }', { a: one.domains.pageInfo.endCursor }, secret));
    expect(next.domains.edges[0].node.name).toMatch(/^c1-d1-/);
    expect(next.domains.pageInfo.hasNextPage).toBe(false);
  });
});

describe('queries and mutations run compiled (graphql-jit), once per document', () => {
  it('one compiled document serves each principal with its own context', async () => {
    const doc = '{ tenants(first: 5) { totalCount edges { node { name domains { templates { name } } } } } }';
    const scoped = (
      await insertApiToken(s, {
        accountId: account.accountId,
        permissions: [Permission.DOMAINS_READ, Permission.TEMPLATES_READ],
        tenantUuid: (await systemEm(s.app.orm).findOneOrFail(Tenant, { account: account.accountId, name: 'Client 0' })).id,
      })
    ).secret;
    for (let i = 0; i < 2; i++) {
      expect(ok(await s.gql<any, any>(doc, {}, account.adminToken)).tenants.totalCount).toBeGreaterThanOrEqual(2);
      const mine = ok(await s.gql<any, any>(doc, {}, scoped));
      expect(mine.tenants.edges.map((e: any) => e.node.name)).toEqual(['Client 0']);
      const refused = await s.gql<any, any>(doc, {}, noTemplates);
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('root mutation fields run one after another, in document order', async () => {
    const res = ok(
      await s.gql<any, any>(
        'mutation { a: createTenant(input: { name: "Jit A", tag: "jit-a" }) { tenant { name } } b: createTenant(input: { name: "Jit B", tag: "jit-b" }) { tenant { name } } }',
        {},
        account.adminToken,
      ),
    );
    expect([res.a.tenant.name, res.b.tenant.name]).toEqual(['Jit A', 'Jit B']);
    const all = ok(await s.gql<any, any>('{ tenants(first: 50) { edges { node { name } } } }', {}, account.adminToken)).tenants.edges.map((e: any) => e.node.name);
    expect(all.indexOf('Jit A')).toBeLessThan(all.indexOf('Jit B'));
  });
});
