import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import {
  BlocklistMonitorDocument,
  BlocklistMonitorsDocument,
  CheckBlocklistMonitorDocument,
  CreateBlocklistMonitorDocument,
  DeleteBlocklistMonitorDocument,
  UpdateBlocklistMonitorDocument,
} from './generated/graphql';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { createContext, systemEm } from '../src/context';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { tokenPrincipal } from '../src/modules/access/scope-builder';
import { BlocklistHit } from '../src/modules/blocklist/blocklist-hit.entity';
import { BlocklistMonitor } from '../src/modules/blocklist/blocklist-monitor.entity';
import { domainBlocklistHits, tenantBlocklistHits } from '../src/modules/blocklist/blocklist-hits.service';
import { toGlobalId } from '../src/graphql/global-id';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

const uuid = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1];
const ALL = [Permission.BLOCKLIST_READ, Permission.BLOCKLIST_MANAGE];

async function world() {
  const { accountId, adminToken } = await s.newAccount();
  const tenantA = await buildTenant(s, adminToken, 'Client A');
  const tenantB = await buildTenant(s, adminToken, 'Client B');
  const tok = async (opts: Partial<Parameters<typeof insertApiToken>[1]>) => (await insertApiToken(s, { accountId, permissions: ALL, ...opts })).secret;
  const domainA = await insertDomain(s, { accountId, tenantUuid: uuid(tenantA), name: `${unique('client-a')}.example.com` });
  return {
    accountId,
    adminToken,
    tenantA,
    tenantB,
    domainA,
    tokenA: await tok({ tenantUuid: uuid(tenantA) }),
    tokenUuid: async (opts: Partial<Parameters<typeof insertApiToken>[1]>) => (await insertApiToken(s, { accountId, permissions: ALL, ...opts })).tokenUuid,
    tokenB: await tok({ tenantUuid: uuid(tenantB) }),
    domainTokenA: await tok({ domainUuid: domainA.id }),
    readOnlyA: await tok({ tenantUuid: uuid(tenantA), permissions: [Permission.BLOCKLIST_READ] }),
  };
}

const create = (token: string, input: Record<string, unknown>) => s.gql(CreateBlocklistMonitorDocument, { input: { address: '192.0.2.1', ...input } as never }, token);

describe('blocklist monitors: scope', () => {
  it("another tenant's principal gets nothing of a tenant's monitor: no row, no count, NOT_FOUND like a missing id", async () => {
    const w = await world();
    const m = ok(await create(w.tokenA, { tenantId: w.tenantA, name: 'A secret MTA' })).createBlocklistMonitor.monitor;
    expect(ok(await s.gql(BlocklistMonitorsDocument, {}, w.tokenA)).blocklistMonitors.totalCount).toBe(1);
    const listB = ok(await s.gql(BlocklistMonitorsDocument, {}, w.tokenB)).blocklistMonitors;
    expect(listB).toEqual({ totalCount: 0, edges: [] });
    const filtered = ok(await s.gql(BlocklistMonitorsDocument, { filter: { tenantId: w.tenantA } }, w.tokenB)).blocklistMonitors;
    expect(filtered.totalCount).toBe(0);
    for (const res of [
      await s.gql(BlocklistMonitorDocument, { id: m.id }, w.tokenB),
      await s.gql(UpdateBlocklistMonitorDocument, { input: { id: m.id, name: 'taken' } }, w.tokenB),
      await s.gql(CheckBlocklistMonitorDocument, { input: { id: m.id } }, w.tokenB),
      await s.gql(DeleteBlocklistMonitorDocument, { input: { id: m.id } }, w.tokenB),
    ]) {
      expect(errorCode(res)).toBe('NOT_FOUND');
      expect(JSON.stringify(res)).not.toContain('A secret MTA');
    }
    const node = await s.gql<any, any>('query($id: ID!) { node(id: $id) { id } }', { id: m.id }, w.tokenB);
    expect(node.data.node).toBeNull();
    // Another account's admin neither.
    const other = await s.newAccount();
    expect(errorCode(await s.gql(BlocklistMonitorDocument, { id: m.id }, other.adminToken))).toBe('NOT_FOUND');
    expect(ok(await s.gql(BlocklistMonitorDocument, { id: m.id }, w.tokenA)).blocklistMonitor.name).toBe('A secret MTA');
  });

  it('account-owned monitors are visible only to account-wide principals; tenants create only their own', async () => {
    const w = await world();
    const own = ok(await create(w.adminToken, { address: '203.0.113.0/24', name: 'Agency pool' })).createBlocklistMonitor.monitor;
    expect(own.tenant).toBeNull();
    expect(ok(await s.gql(BlocklistMonitorsDocument, {}, w.tokenA)).blocklistMonitors.totalCount).toBe(0);
    expect(errorCode(await s.gql(BlocklistMonitorDocument, { id: own.id }, w.tokenA))).toBe('NOT_FOUND');
    expect(errorCode(await create(w.tokenA, {}))).toBe('FORBIDDEN');
    expect(errorCode(await create(w.tokenA, { tenantId: w.tenantB }))).toBe('NOT_FOUND');
    expect(errorCode(await create(w.domainTokenA, { tenantId: w.tenantA }))).toBe('FORBIDDEN');
    expect(errorCode(await create(w.readOnlyA, { tenantId: w.tenantA }))).toBe('FORBIDDEN');
    // A domain principal sees the monitor of its domain, not the tenant's IP monitor.
    const ip = ok(await create(w.tokenA, { tenantId: w.tenantA })).createBlocklistMonitor.monitor;
    const dom = ok(await create(w.tokenA, { tenantId: w.tenantA, address: w.domainA.name })).createBlocklistMonitor.monitor;
    expect(dom.addressKind).toBe('DOMAIN');
    const seen = ok(await s.gql(BlocklistMonitorsDocument, {}, w.domainTokenA)).blocklistMonitors;
    expect(seen.edges.map((e) => e.node.id)).toEqual([dom.id]);
    const admin = ok(await s.gql(BlocklistMonitorsDocument, {}, w.adminToken)).blocklistMonitors;
    expect(admin.edges.map((e) => e.node.id)).toEqual([own.id, ip.id, dom.id]);
    expect(ok(await s.gql(BlocklistMonitorsDocument, { filter: { tenantId: w.tenantA } }, w.adminToken)).blocklistMonitors.totalCount).toBe(2);
  });
});

describe('blocklist monitors: input', () => {
  it('bad addresses, too-wide ranges, interval bounds and bad e-mails are coded errors naming the field, and change nothing', async () => {
    const w = await world();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ address: 'not an address' }, 'address', /address/],
      [{ address: '999.1.2.3' }, 'address', /IPv4/],
      [{ address: '10.0.0.0/16' }, 'address', /too wide.*\/24/],
      [{ address: '2001:db8::/64' }, 'address', /too wide.*\/120/],
      [{ intervalMinutes: 5 }, 'intervalMinutes', /15 to 10080/],
      [{ intervalMinutes: 20_000 }, 'intervalMinutes', /15 to 10080/],
      [{ notifyEmails: ['not-an-email'] }, 'notifyEmails[0]', /notifyEmails\[0\]/],
      [{ notifyEmails: Array.from({ length: 11 }, (_, i) => `ops${i}@example.com`) }, 'notifyEmails', /at most 10/],
      [{ name: 'two\nlines' }, 'name', /line breaks/],
    ];
    for (const [input, field, message] of cases) {
      const res = await create(w.adminToken, input);
      expect(res.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors?.[0]?.message).toMatch(message);
    }
    expect(ok(await s.gql(BlocklistMonitorsDocument, {}, w.adminToken)).blocklistMonitors.totalCount).toBe(0);
    const m = ok(await create(w.adminToken, { address: '192.0.2.50' })).createBlocklistMonitor.monitor;
    expect(m).toMatchObject({ intervalMinutes: 120, webhookEnabled: true, notifyEmails: [], name: '192.0.2.50' });
    const dup = await create(w.adminToken, { address: ' 192.0.2.50 ' });
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'address' });
    const badUpdate = await s.gql(UpdateBlocklistMonitorDocument, { input: { id: m.id, intervalMinutes: 1 } }, w.adminToken);
    expect(badUpdate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'intervalMinutes' });
    const updated = ok(
      await s.gql(UpdateBlocklistMonitorDocument, { input: { id: m.id, name: 'Renamed', intervalMinutes: 30, notifyEmails: ['Ops@Example.com'], webhookEnabled: false } }, w.adminToken),
    ).updateBlocklistMonitor.monitor;
    expect(updated).toMatchObject({ name: 'Renamed', intervalMinutes: 30, notifyEmails: ['ops@example.com'], webhookEnabled: false });
    expect(new Date(updated.nextCheckAt).getTime()).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);
    expect(errorCode(await s.gql(BlocklistMonitorDocument, { id: 'bm9wZQ' }, w.adminToken))).toBe('BAD_USER_INPUT');
    expect(ok(await s.gql(DeleteBlocklistMonitorDocument, { input: { id: m.id } }, w.adminToken)).deleteBlocklistMonitor.deletedId).toBe(m.id);
    expect(errorCode(await s.gql(BlocklistMonitorDocument, { id: m.id }, w.adminToken))).toBe('NOT_FOUND');
  });
});

describe('current hits for health views', () => {
  it("a domain's and a tenant's hits, in the caller's scope: the account's own monitor of the name for account-wide principals only", async () => {
    const w = await world();
    const em = systemEm(s.app.orm);
    const now = new Date();
    const tenantMonitor = em.create(BlocklistMonitor, {
      account: w.accountId,
      tenant: uuid(w.tenantA),
      domain: w.domainA.id,
      name: 'A',
      address: w.domainA.name,
      addressKind: 'DOMAIN' as never,
      intervalMinutes: 120,
      nextCheckAt: now,
    });
    const ownMonitor = em.create(BlocklistMonitor, { account: w.accountId, name: 'Agency view', address: w.domainA.name, addressKind: 'DOMAIN' as never, intervalMinutes: 120, nextCheckAt: now });
    for (const [m, zone] of [
      [tenantMonitor, 'dbl.example'],
      [ownMonitor, 'uribl.example'],
    ] as const) {
      em.create(BlocklistHit, {
        account: w.accountId,
        tenant: m.tenant?.id ?? null,
        domain: m.domain?.id ?? null,
        monitor: m,
        address: m.address,
        zone,
        returnCodes: ['127.0.1.2'],
        firstSeenAt: now,
        lastSeenAt: now,
      });
    }
    await em.flush();
    // A context as the API would build it for a token (the admin token: the account's only unscoped one).
    const ctxOf = async (where: Record<string, unknown>) => createContext(s.app.orm, s.app.config, s.app.deps, await tokenPrincipal(em, await em.findOneOrFail(ApiToken, where)), 'test');
    const adminCtx = await ctxOf({ account: w.accountId, tenant: null, domain: null, senderIdentity: null });
    const domainGid = toGlobalId('Domain', w.domainA.id);
    const zones = (hits: BlocklistHit[]) => hits.map((h) => h.zone).sort();
    expect(zones(await domainBlocklistHits(adminCtx, domainGid))).toEqual(['dbl.example', 'uribl.example']);
    const tenantCtx = await ctxOf({ id: await w.tokenUuid({ tenantUuid: uuid(w.tenantA) }) });
    expect(zones(await domainBlocklistHits(tenantCtx, domainGid))).toEqual(['dbl.example']);
    expect(zones(await tenantBlocklistHits(tenantCtx, w.tenantA))).toEqual(['dbl.example']);
    const otherCtx = await ctxOf({ id: await w.tokenUuid({ tenantUuid: uuid(w.tenantB) }) });
    await expect(domainBlocklistHits(otherCtx, domainGid)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(await tenantBlocklistHits(otherCtx, w.tenantA)).toEqual([]);
  });
});
