import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { toGlobalId } from '../src/graphql/global-id';
import { insertApiToken, insertTwoTenants } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

// A low per-credential limit, so a test can spend it.
const LIMIT = 20;
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ rateLimitApiPerCredential: LIMIT, rateLimitApiWindowSeconds: 600 });
});
afterAll(() => s?.stop());

const LOGS = `query Logs($filter: RequestLogFilterInput) {
  requestLogs(filter: $filter, first: 100) { totalCount edges { node { id operationName outcome codes status principal { tokenId name } } } }
}`;
type Node = { id: string; operationName: string | null; outcome: string; codes: string[]; status: number; principal: { tokenId: string; name: string } };

async function logs(token: string, filter: Record<string, unknown>): Promise<Node[]> {
  await s.app.requestLog!.flush();
  return ok(await s.gql<{ requestLogs: { edges: { node: Node }[] } }, unknown>(LOGS, { filter }, token)).requestLogs.edges.map((e) => e.node);
}

describe('request logs of refused calls', () => {
  it('records the 401s of a revoked token and the 429s of a spent limit under the token (scoped as its other calls); an unknown token is recorded nowhere', async () => {
    const a = await s.newAccount();
    const { tA, tB } = await insertTwoTenants(s, a.accountId);
    const perms = [Permission.LOGS_READ, Permission.DOMAINS_READ];
    const spender = await insertApiToken(s, { accountId: a.accountId, permissions: perms, tenantUuid: tA.id, name: 'spender' });
    const revoked = await insertApiToken(s, { accountId: a.accountId, permissions: perms, tenantUuid: tA.id, name: 'soon revoked' });
    const readerA = await insertApiToken(s, { accountId: a.accountId, permissions: perms, tenantUuid: tA.id, name: 'reader A' });
    const readerB = await insertApiToken(s, { accountId: a.accountId, permissions: perms, tenantUuid: tB.id, name: 'reader B' });

    // The limit: LIMIT calls pass, the next two are refused with 429.
    for (let i = 0; i < LIMIT; i++) ok(await s.gql('query Spend { viewer { kind } }', {}, spender.secret));
    for (let i = 0; i < 2; i++) {
      const r = await s.gql('query Spend { viewer { kind } }', {}, spender.secret);
      expect(r.status).toBe(429);
      expect(errorCode(r)).toBe('RATE_LIMITED');
    }
    // The REST door refuses and records the same way.
    const rest = await fetch(`${s.url}/v1/messages/${toGlobalId('Message', '0192f000-0000-7000-8000-000000000009')}`, { headers: { authorization: `Bearer ${spender.secret}` } });
    expect(rest.status).toBe(429);
    ok(await s.gql('mutation Revoke($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { apiToken { id } } }', { input: { id: toGlobalId('ApiToken', revoked.tokenUuid) } }, a.adminToken));
    const after = await s.gql('query StillTrying { viewer { kind } }', {}, revoked.secret);
    expect(after.status).toBe(401);
    expect(JSON.stringify(after)).not.toMatch(/soon revoked|tenant/i);
    const unknown = await s.gql('query Stranger { viewer { kind } }', {}, `${revoked.secret.slice(0, -4)}zzzz`);
    expect(unknown.status).toBe(401);

    const spent = await logs(a.adminToken, { tokenIds: [toGlobalId('ApiToken', spender.tokenUuid)] });
    expect(spent.map((n) => [n.status, n.outcome, n.codes])).toEqual([
      [429, 'ERROR', ['RATE_LIMITED']],
      [429, 'ERROR', ['RATE_LIMITED']],
      [429, 'ERROR', ['RATE_LIMITED']],
      ...Array.from({ length: LIMIT }, () => [200, 'OK', []]),
    ]);
    expect(spent[0]).toMatchObject({ operationName: 'GET /v1/messages/{id}', principal: { name: 'spender' } });
    expect(spent[1]).toMatchObject({ operationName: 'Spend', principal: { name: 'spender' } });
    const refused = await logs(a.adminToken, { tokenIds: [toGlobalId('ApiToken', revoked.tokenUuid)] });
    expect(refused.map((n) => [n.operationName, n.status, n.codes])).toEqual([['StillTrying', 401, ['UNAUTHENTICATED']]]);
    expect(await logs(a.adminToken, { operationNames: ['Stranger'] })).toEqual([]);

    // Scoped as the token's other calls: tenant A's reader sees them, tenant B's and another account's do not.
    expect((await logs(readerA.secret, { operationNames: ['StillTrying', 'Spend'] })).length).toBe(LIMIT + 3);
    expect(await logs(readerB.secret, { operationNames: ['StillTrying', 'Spend'] })).toEqual([]);
    const other = await s.newAccount();
    expect(await logs(other.adminToken, { operationNames: ['StillTrying', 'Spend', 'Stranger'] })).toEqual([]);
  });
});
