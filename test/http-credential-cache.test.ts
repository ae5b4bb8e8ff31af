import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { toGlobalId } from '../src/graphql/global-id';
import { systemEm } from '../src/context';
import { SenderIdentity } from '../src/modules/identities/sender-identity.entity';
import { DeleteSenderIdentityDocument, DeleteTenantDocument, LogoutDocument, RevokeApiTokenDocument, UpdateApiTokenDocument } from './generated/graphql';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { ok, startTestServer, type TestServer } from './support/harness';
import { joinAccount, type MailTestServer, startMailTestServer } from './support/members';

// Two servers on one database, as behind a load balancer: each keeps its own credential cache.
let a: MailTestServer;
let b: TestServer;
const tokenLookupsOnB: string[] = [];
beforeAll(async () => {
  a = await startMailTestServer();
  b = await startTestServer({}, { onQuery: (sql) => void (/from "api_tokens"/.test(sql) && tokenLookupsOnB.push(sql)) });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const QUERY = '{ templates { totalCount } }';

/** Polls `b` with the credential until it answers 401; returns how long that took (ms), or Infinity. */
async function refusedWithin(s: TestServer, secret: string, limitMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < limitMs) {
    const res = await s.gql(QUERY, {}, secret);
    if (res.status === 401) {
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(res)).not.toContain('totalCount');
      return Date.now() - t0;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return Infinity;
}

describe('HTTP requests use the per-process credential cache; changes still refuse at once', () => {
  it('revoke, pause or re-permission on one server: refused at once there, within 2 s on the other', async () => {
    const { accountId, adminToken } = await a.newAccount();
    const changes: Array<'revoke' | { paused?: boolean; permissions?: Permission[] }> = ['revoke', { paused: true }, { permissions: [Permission.ACTIVITY_READ] }];
    for (const change of changes) {
      const { secret, tokenUuid } = await insertApiToken(a, { accountId, permissions: [Permission.TEMPLATES_READ] });
      // Both servers answer (and so cache) the credential first.
      expect(ok(await a.gql(QUERY, {}, secret))).toEqual({ templates: { totalCount: 0 } });
      expect(ok(await b.gql(QUERY, {}, secret))).toEqual({ templates: { totalCount: 0 } });
      const id = toGlobalId('ApiToken', tokenUuid);
      if (change === 'revoke') ok(await a.gql(RevokeApiTokenDocument, { input: { id } }, adminToken));
      else ok(await a.gql(UpdateApiTokenDocument, { input: { id, ...change } }, adminToken));
      const here = await a.gql(QUERY, {}, secret);
      if (change !== 'revoke' && change.permissions) {
        expect(here.errors?.[0].extensions?.code).toBe('FORBIDDEN');
        const there = Date.now();
        let code: unknown;
        while (Date.now() - there < 2000 && code !== 'FORBIDDEN') code = (await b.gql(QUERY, {}, secret)).errors?.[0].extensions?.code;
        expect(code).toBe('FORBIDDEN');
      } else {
        expect(here.status).toBe(401);
        expect(await refusedWithin(b, secret, 2000)).toBeLessThan(2000);
      }
    }
  });

  it('repeated requests with one token look it up once, not per request', async () => {
    const { accountId } = await a.newAccount();
    const { secret } = await insertApiToken(a, { accountId, permissions: [Permission.TEMPLATES_READ] });
    tokenLookupsOnB.length = 0;
    for (let i = 0; i < 5; i++) expect(ok(await b.gql(QUERY, {}, secret))).toEqual({ templates: { totalCount: 0 } });
    expect(tokenLookupsOnB).toHaveLength(1);
  });

  it('logout on one server: the session is refused at once there and within 2 s on the other', async () => {
    const account = await a.newAccount();
    const m = await joinAccount(a, account, { role: 'MANAGER' });
    expect(ok(await a.gql(QUERY, {}, m.session))).toEqual({ templates: { totalCount: 0 } });
    expect(ok(await b.gql(QUERY, {}, m.session))).toEqual({ templates: { totalCount: 0 } });
    ok(await a.gql(LogoutDocument, {}, m.session));
    expect((await a.gql(QUERY, {}, m.session)).status).toBe(401);
    expect(await refusedWithin(b, m.session, 2000)).toBeLessThan(2000);
  });

  it('deleting a tenant or a sender identity refuses the tokens scoped within it at once (their rows went with it)', async () => {
    const { accountId, adminToken } = await a.newAccount();
    const tenantGid = await buildTenant(a, adminToken);
    const tenantUuid = (await systemEm(a.app.orm).getConnection().execute<{ id: string }[]>('select id from tenants where account_id = ? ', [accountId]))[0].id;
    const domain = await insertDomain(a, { accountId, tenantUuid });
    const agency = await insertDomain(a, { accountId, tenantUuid: null });
    const em = systemEm(a.app.orm);
    const identity = em.create(SenderIdentity, { account: accountId, tenant: tenantUuid, domain: agency.id, email: `${unique('me')}@${agency.name}` });
    await em.flush();
    const perms = [Permission.TEMPLATES_READ];
    const onIdentity = await insertApiToken(a, { accountId, permissions: perms, identityUuid: identity.id });
    const onTenant = await insertApiToken(a, { accountId, permissions: perms, tenantUuid });
    const onDomain = await insertApiToken(a, { accountId, permissions: perms, domainUuid: domain.id });
    for (const t of [onIdentity, onTenant, onDomain]) expect(ok(await a.gql(QUERY, {}, t.secret))).toEqual({ templates: { totalCount: 0 } });

    ok(await a.gql(DeleteSenderIdentityDocument, { input: { id: toGlobalId('SenderIdentity', identity.id) } }, adminToken));
    expect((await a.gql(QUERY, {}, onIdentity.secret)).status).toBe(401);
    expect(ok(await a.gql(QUERY, {}, onTenant.secret))).toEqual({ templates: { totalCount: 0 } });

    ok(await a.gql(DeleteTenantDocument, { input: { id: tenantGid, force: true } }, adminToken));
    expect((await a.gql(QUERY, {}, onTenant.secret)).status).toBe(401);
    expect((await a.gql(QUERY, {}, onDomain.secret)).status).toBe(401);
  });
});
