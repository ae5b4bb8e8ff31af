import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { toGlobalId } from '../src/graphql/global-id';
import { LogoutDocument, RevokeApiTokenDocument, UpdateApiTokenDocument } from './generated/graphql';
import { insertApiToken } from './support/factories';
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
    for (const change of ['revoke', { paused: true }, { permissions: [Permission.ACTIVITY_READ] }] as const) {
      const { secret, tokenUuid } = await insertApiToken(a, { accountId, permissions: [Permission.TEMPLATES_READ] });
      // Both servers answer (and so cache) the credential first.
      expect(ok(await a.gql(QUERY, {}, secret))).toEqual({ templates: { totalCount: 0 } });
      expect(ok(await b.gql(QUERY, {}, secret))).toEqual({ templates: { totalCount: 0 } });
      const id = toGlobalId('ApiToken', tokenUuid);
      if (change === 'revoke') ok(await a.gql(RevokeApiTokenDocument, { input: { id } }, adminToken));
      else ok(await a.gql(UpdateApiTokenDocument, { input: { id, ...change } }, adminToken));
      const here = await a.gql(QUERY, {}, secret);
      if (typeof change === 'object' && 'permissions' in change) {
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
});
