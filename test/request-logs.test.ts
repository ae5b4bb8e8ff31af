import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { toGlobalId } from '../src/graphql/global-id';
import { insertApiToken, insertTwoTenants } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { subscribe, wsSession } from './support/ws-client';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

const LOGS = `query Logs($filter: RequestLogFilterInput, $first: Int, $after: String) {
  requestLogs(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id at requestId transport principal { kind tokenId memberId name } operationType operationName fields outcome codes status durationMs bytes ip userAgent tenantIds } }
  }
}`;
const ONE = `query One($id: ID!) { requestLog(id: $id) { id operationName request response } }`;

type LogNode = {
  id: string;
  operationName: string | null;
  transport: string;
  outcome: string;
  codes: string[];
  status: number | null;
  fields: string[];
  principal: { tokenId: string | null; name: string };
};

async function logs(token: string, filter: Record<string, unknown> = {}): Promise<{ totalCount: number; nodes: LogNode[] }> {
  await s.app.requestLog!.flush();
  const data = ok(await s.gql<{ requestLogs: { totalCount: number; edges: { node: LogNode }[] } }, unknown>(LOGS, { filter, first: 100 }, token));
  return { totalCount: data.requestLogs.totalCount, nodes: data.requestLogs.edges.map((e) => e.node) };
}

/** An account with tenants A and B (a domain each), a token per tenant and per domain, all with LOGS_READ. */
async function world() {
  const a = await s.newAccount();
  const { tA, tB, dA, dB } = await insertTwoTenants(s, a.accountId);
  const perms = [Permission.LOGS_READ, Permission.DOMAINS_READ];
  const tenantA = await insertApiToken(s, { accountId: a.accountId, permissions: perms, tenantUuid: tA.id, name: 'tenant A token' });
  const tenantB = await insertApiToken(s, { accountId: a.accountId, permissions: perms, tenantUuid: tB.id, name: 'tenant B token' });
  const domainA = await insertApiToken(s, { accountId: a.accountId, permissions: perms, domainUuid: dA.id, name: 'domain A token' });
  const domainB = await insertApiToken(s, { accountId: a.accountId, permissions: perms, domainUuid: dB.id, name: 'domain B token' });
  return { ...a, tA, tB, dA, dB, tenantA, tenantB, domainA, domainB, gid: (t: { tokenUuid: string }) => toGlobalId('ApiToken', t.tokenUuid) };
}

describe('request logs over HTTP', () => {
  it('records a token’s calls (name, fields, outcome, codes, status, ip, user agent), filterable by token; another client sees none', async () => {
    const w = await world();
    ok(await s.gql('query MyDomains { domains { totalCount } viewer { kind } }', {}, w.domainA.secret));
    const denied = await s.gql('query NoTenants { apiTokens { totalCount } }', {}, w.domainA.secret);
    expect(errorCode(denied)).toBe('FORBIDDEN');
    const mine = await logs(w.adminToken, { tokenIds: [w.gid(w.domainA)] });
    expect(mine.totalCount).toBe(2);
    const [last, first] = mine.nodes;
    expect(first).toMatchObject({ operationName: 'MyDomains', transport: 'HTTP', outcome: 'OK', codes: [], status: 200, fields: ['domains', 'viewer'] });
    expect(first.principal).toMatchObject({ tokenId: w.gid(w.domainA), name: 'domain A token' });
    expect(last).toMatchObject({ operationName: 'NoTenants', outcome: 'ERROR', codes: ['FORBIDDEN'], fields: ['apiTokens'] });
    const full = ok(await s.gql<{ requestLogs: { edges: { node: Record<string, unknown> }[] } }, unknown>(LOGS, { filter: { tokenIds: [w.gid(w.domainA)], codes: ['FORBIDDEN'] } }, w.adminToken));
    expect(full.requestLogs.edges).toHaveLength(1);
    expect(full.requestLogs.edges[0].node).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/), userAgent: expect.any(String), operationType: 'QUERY' });
    expect(full.requestLogs.edges[0].node.durationMs).toBeGreaterThanOrEqual(0);
    expect(full.requestLogs.edges[0].node.bytes).toBeGreaterThan(10);
    expect((await logs(w.adminToken, { operationNames: ['MyDomains'], tokenIds: [w.gid(w.domainA)] })).totalCount).toBe(1);
    expect((await logs(w.adminToken, { tokenIds: [w.gid(w.domainA)], codes: ['OK'] })).nodes.map((n) => n.operationName)).toEqual(['MyDomains']);

    const other = await s.newAccount();
    const theirs = await logs(other.adminToken, { tokenIds: [w.gid(w.domainA)] });
    expect(theirs.totalCount).toBe(0);
    const all = await logs(other.adminToken);
    expect(all.nodes.every((n) => n.principal.tokenId !== w.gid(w.domainA))).toBe(true);
    expect(errorCode(await s.gql(ONE, { id: first.id }, other.adminToken))).toBe('NOT_FOUND');
    expect(ok(await s.gql<{ requestLog: { id: string } }, unknown>(ONE, { id: first.id }, w.adminToken)).requestLog.id).toBe(first.id);
  });

  it('a domain token sees its domain’s tokens’ calls only; a tenant token its tenant’s; account-wide sees all; LOGS_READ is needed', async () => {
    const w = await world();
    for (const t of [w.tenantA, w.tenantB, w.domainA, w.domainB]) ok(await s.gql('query Ping { viewer { kind } }', {}, t.secret));
    ok(await s.gql('query AdminPing { viewer { kind } }', {}, w.adminToken));
    const names = async (token: string) => (await logs(token, { operationNames: ['Ping', 'AdminPing'] })).nodes.map((n) => n.principal.name).sort();
    expect(await names(w.domainA.secret)).toEqual(['domain A token']);
    expect(await names(w.domainB.secret)).toEqual(['domain B token']);
    expect(await names(w.tenantA.secret)).toEqual(['domain A token', 'tenant A token']);
    expect(await names(w.tenantB.secret)).toEqual(['domain B token', 'tenant B token']);
    const adminNames = await names(w.adminToken);
    expect(adminNames).toHaveLength(5);
    expect(adminNames).toEqual(expect.arrayContaining(['domain A token', 'domain B token', 'tenant A token', 'tenant B token']));
    expect((await logs(w.adminToken, { tenantId: toGlobalId('Tenant', w.tA.id), operationNames: ['Ping'] })).nodes.map((n) => n.principal.name)).toEqual(['tenant A token']);
    const noPerm = await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.DOMAINS_READ] });
    expect(errorCode(await s.gql(LOGS, {}, noPerm.secret))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(LOGS, { filter: { tokenIds: ['nope'] } }, w.adminToken))).toBe('BAD_USER_INPUT');
  });

  it('pages newest first with cursors', async () => {
    const w = await world();
    for (let i = 0; i < 3; i++) ok(await s.gql(`query P${i} { viewer { kind } }`, {}, w.domainA.secret));
    await s.app.requestLog!.flush();
    const page1 = ok(await s.gql<any, unknown>(LOGS, { filter: { tokenIds: [w.gid(w.domainA)] }, first: 2 }, w.adminToken)).requestLogs;
    expect(page1.totalCount).toBe(3);
    expect(page1.edges.map((e: { node: LogNode }) => e.node.operationName)).toEqual(['P2', 'P1']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = ok(await s.gql<any, unknown>(LOGS, { filter: { tokenIds: [w.gid(w.domainA)] }, first: 2, after: page1.pageInfo.endCursor }, w.adminToken)).requestLogs;
    expect(page2.edges.map((e: { node: LogNode }) => e.node.operationName)).toEqual(['P0']);
  });
});

describe('request logs over WebSocket', () => {
  it('records WebSocket operations; requestLogged streams scoped calls and another client receives none', async () => {
    const w = await world();
    const other = await s.newAccount();
    const LIVE = 'subscription Live($filter: RequestLogFilterInput) { requestLogged(filter: $filter) { id operationName transport principal { name } } }';
    const mineLive = subscribe<{ operationName: string; transport: string }>(s.url, w.adminToken, LIVE, { filter: { tokenIds: [w.gid(w.domainA)] } }, (d) => d.requestLogged);
    const theirLive = subscribe<unknown>(s.url, other.adminToken, LIVE, {}, (d) => d.requestLogged);
    const domainLive = subscribe<{ principal: { name: string } }>(s.url, w.domainB.secret, LIVE, {}, (d) => d.requestLogged);
    await new Promise((r) => setTimeout(r, 300));
    const ws = wsSession(s.url, w.domainA.secret);
    await ws.connected;
    const res = await ws.run('query OverSocket { viewer { kind } }');
    expect(res.data.viewer.kind).toBe('API_TOKEN');
    const refused = await ws.run('query Refused { noSuchField }');
    expect(refused.errors?.length).toBeGreaterThan(0);
    await ws.close();
    await s.app.requestLog!.flush();
    const items = await mineLive.waitFor(1);
    expect(items.map((i) => i.operationName)).toContain('OverSocket');
    expect(items.find((i) => i.operationName === 'OverSocket')!.transport).toBe('WS');
    const listed = await logs(w.adminToken, { tokenIds: [w.gid(w.domainA)] });
    expect(listed.nodes.map((n) => [n.operationName, n.transport, n.status, n.outcome])).toEqual([
      ['Refused', 'WS', null, 'ERROR'],
      ['OverSocket', 'WS', null, 'OK'],
    ]);
    expect(listed.nodes[0].codes).toEqual([refused.errors![0].extensions.code]);
    await new Promise((r) => setTimeout(r, 500));
    // The other account's subscriber sees its own admin's calls (its subscription itself), never this account's.
    expect(JSON.stringify(theirLive.items)).not.toMatch(/OverSocket|domain A token|domain B token/);
    expect(domainLive.items.filter((i) => i.principal.name !== 'domain B token')).toEqual([]);
    expect((await logs(other.adminToken, { tokenIds: [w.gid(w.domainA)] })).totalCount).toBe(0);
    await Promise.all([mineLive.close(), theirLive.close(), domainLive.close()]);
  });
});
