import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDashboard } from '../bench/seed';
import { Permission } from '../src/auth/permissions';
import { scopedEm, systemEm } from '../src/context';
import { authenticate } from '../src/auth/authenticate';
import { countRows, readRows, readRowsWithQueryBuilder } from '../src/db/read-rows';
import { createPrincipalResolver } from '../src/modules/access/principal-resolver';
import { Domain } from '../src/modules/domains/domain.entity';
import { SenderIdentity } from '../src/modules/identities/sender-identity.entity';
import { Template } from '../src/modules/templates/template.entity';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { insertApiToken } from './support/factories';
import { ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
let sql: string[] = [];
let account: { accountId: string; adminToken: string };
beforeAll(async () => {
  s = await startTestServer({}, { onQuery: (q) => sql.push(q) });
  account = await s.newAccount();
  await seedDashboard(s.app.orm, account.accountId, s.app.config.secret, { tenants: 3, domainsPerTenant: 2, templatesPerDomain: 2, identitiesPerTenant: 1 });
  const em = systemEm(s.app.orm);
  const templates = await em.find(Template, { account: account.accountId }, { orderBy: { id: 'asc' } });
  templates.forEach((t, i) => (t.html = `<p>body ${i}</p>`));
  const identities = await em.find(SenderIdentity, { account: account.accountId });
  for (const i of identities) i.dmarcPolicy = 'reject';
  await em.flush();
});
afterAll(() => s?.stop());

const templatesSql = () => sql.filter((q) => /from "templates"/.test(q));

describe('list fields read plain rows with the columns the query selects', () => {
  it('reads only the selected template columns; asking for html reads it', async () => {
    sql = [];
    const slim = ok(await s.gql<any, any>('{ tenants(first: 3) { edges { node { domains { templates { id name } } } } } }', {}, account.adminToken));
    expect(templatesSql()).toHaveLength(1);
    expect(templatesSql()[0]).not.toContain('"html"');
    expect(slim.tenants.edges[0].node.domains[0].templates[0]).toEqual({ id: expect.any(String), name: 'Template 0' });
    sql = [];
    const full = ok(await s.gql<any, any>('{ tenants(first: 1) { edges { node { domains { templates { html } } } } } }', {}, account.adminToken));
    expect(templatesSql()[0]).toContain('"html"');
    expect(full.tenants.edges[0].node.domains[0].templates[0].html).toBe('<p>body 0</p>');
  });

  it('the same list with different selections (aliases, fragments) gets every value right', async () => {
    const res = ok(
      await s.gql<any, any>(
        `{ tenants(first: 1) { edges { node { domains {
            a: templates { name }
            b: templates { ...T }
            c: templates { ... on Template { domainId } }
        } } } } }
        fragment T on Template { subject html }`,
        {},
        account.adminToken,
      ),
    );
    const d = res.tenants.edges[0].node.domains[0];
    expect(d.a.map((t: any) => t.name)).toEqual(['Template 0', 'Template 1']);
    expect(d.b).toEqual([
      { subject: 'Hello {{ name }}', html: '<p>body 0</p>' },
      { subject: 'Hello {{ name }}', html: '<p>body 1</p>' },
    ]);
    expect(d.c[0].domainId).toEqual(expect.any(String));
  });

  it('computed fields get the columns they read (warnings from email and dmarcPolicy; global ids)', async () => {
    const res = ok(await s.gql<any, any>('{ tenants(first: 1) { edges { node { id senderIdentities { id email warnings { code } } } } } }', {}, account.adminToken));
    const node = res.tenants.edges[0].node;
    expect(node.id).not.toMatch(/^[0-9a-f-]{36}$/);
    expect(node.senderIdentities[0].warnings.length).toBeGreaterThan(0);
  });

  it('a tenant-scoped token reads only its own tenant through the same loaders', async () => {
    const em = systemEm(s.app.orm);
    const [first] = await em.find(Tenant, { account: account.accountId }, { orderBy: { id: 'asc' }, limit: 1 });
    const { secret } = await insertApiToken(s, { accountId: account.accountId, permissions: [Permission.DOMAINS_READ, Permission.TEMPLATES_READ, Permission.IDENTITIES_READ], tenantUuid: first.id });
    const res = ok(await s.gql<any, any>('{ tenants(first: 10) { totalCount edges { node { name domains { name templates { name } } senderIdentities { email } } } } }', {}, secret));
    expect(res.tenants.totalCount).toBe(1);
    expect(res.tenants.edges.map((e: any) => e.node.name)).toEqual([first.name]);
    expect(res.tenants.edges[0].node.domains).toHaveLength(2);
    expect(res.tenants.edges[0].node.domains.every((d: any) => d.name.startsWith('c0-'))).toBe(true);
    expect(res.tenants.edges[0].node.domains.flatMap((d: any) => d.templates)).toHaveLength(4);
  });
});

describe('readRows writes the usual shapes as SQL itself, with the same rows as the QueryBuilder', () => {
  it('every principal kind: same rows, same count, as MikroORM renders the same condition and scope filter', async () => {
    const em0 = systemEm(s.app.orm);
    const tenants = await em0.find(Tenant, { account: account.accountId }, { orderBy: { id: 'asc' } });
    const domains = await em0.find(Domain, { account: account.accountId }, { orderBy: { id: 'asc' } });
    const identities = await em0.find(SenderIdentity, { account: account.accountId }, { orderBy: { id: 'asc' } });
    const templates = await em0.find(Template, { account: account.accountId }, { orderBy: { id: 'asc' } });
    const other = await s.newAccount('Other agency');
    await seedDashboard(s.app.orm, other.accountId, s.app.config.secret, { tenants: 2, domainsPerTenant: 1, templatesPerDomain: 1, identitiesPerTenant: 1 });
    const perms = [Permission.DOMAINS_READ, Permission.TEMPLATES_READ, Permission.IDENTITIES_READ];
    const tokens = [
      account.adminToken,
      other.adminToken,
      (await insertApiToken(s, { accountId: account.accountId, permissions: perms, tenantUuid: tenants[1].id })).secret,
      (await insertApiToken(s, { accountId: account.accountId, permissions: perms, domainUuid: domains[2].id })).secret,
      (await insertApiToken(s, { accountId: account.accountId, permissions: perms, identityUuid: identities[0].id })).secret,
    ];
    const resolver = createPrincipalResolver(s.app.orm, { now: () => new Date() } as never);
    const tenantIds = tenants.map((t) => t.id);
    const domainIds = domains.map((d) => d.id);
    const cases: [unknown, object][] = [
      [Tenant, { id: { $in: tenantIds } }],
      [Tenant, { $and: [{}, { id: { $gt: tenantIds[0] } }] }],
      [Domain, { tenant: { $in: tenantIds } }],
      [Domain, { tenant: null }],
      [Template, { domain: { $in: domainIds } }],
      [SenderIdentity, { tenant: { $in: tenantIds } }],
      [SenderIdentity, { domain: { $in: domainIds }, status: 'CONFIRMED' }],
      [Template, { $or: [{ name: 'Template 0' }, { domain: domainIds[0] }] }],
    ];
    let direct = 0;
    for (const token of tokens) {
      const principal = await authenticate(`Bearer ${token}`, resolver);
      if (principal.kind === 'PUBLIC') throw new Error('token did not resolve');
      for (const [entity, where] of cases) {
        const em = scopedEm(s.app.orm, { kind: 'principal', scope: principal.scope });
        sql = [];
        const a = await readRows(em, entity as never, where as never, { orderBy: { id: 'asc' } as never });
        if (!sql.some((q) => /"t0"/.test(q))) direct++;
        const b = await readRowsWithQueryBuilder(em, entity as never, where as never, { orderBy: { id: 'asc' } as never });
        expect(a.map((r) => ({ ...(r as object) }))).toEqual(b.map((r) => ({ ...(r as object) })));
        expect(await countRows(em, entity as never, where as never)).toBe(await em.count(entity as never, where as never));
      }
    }
    // The shortcut is taken (not every case falls back), and the other account's admin saw none of these rows.
    expect(direct).toBe(tokens.length * cases.length);
    const em = scopedEm(s.app.orm, { kind: 'principal', scope: ((await authenticate(`Bearer ${other.adminToken}`, resolver)) as unknown as { scope: never }).scope });
    expect(await readRows(em, Tenant, { id: { $in: tenantIds } })).toEqual([]);
  });
});
