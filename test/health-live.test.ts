import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { BlocklistAddressKind } from '../src/modules/blocklist/address';
import { BlocklistHit } from '../src/modules/blocklist/blocklist-hit.entity';
import { BlocklistMonitor } from '../src/modules/blocklist/blocklist-monitor.entity';
import { recomputeHealth } from '../src/modules/health/health.tasks';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, startTestServer, type TestServer } from './support/harness';
import { subscribe, wsSession } from './support/ws-client';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

const uuid = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1];
const ALL = [Permission.DOMAINS_READ, Permission.ANALYTICS_READ, Permission.DMARC_READ, Permission.BLOCKLIST_READ];
const SUB = `subscription($filter: DomainHealthFilterInput) { domainHealthChanged(filter: $filter) { domain { id name } previousStatus health { status reasons blocklist { zone } } } }`;
const td = () => ({ orm: s.app.orm, config: s.app.config, deps: s.app.deps });

async function list(accountId: string, tenantId: string, domainId: string, zone: string) {
  const em = systemEm(s.app.orm);
  const owners = { account: accountId, tenant: tenantId, domain: domainId };
  const monitor = em.create(BlocklistMonitor, {
    ...owners,
    name: 'm',
    address: '192.0.2.50',
    addressKind: BlocklistAddressKind.IPV4,
    intervalMinutes: 120,
    nextCheckAt: new Date(),
    listed: true,
    notifyEmails: [],
  });
  const hit = em.create(BlocklistHit, { ...owners, monitor, address: '192.0.2.50', zone, returnCodes: ['127.0.0.2'], reason: 'x', firstSeenAt: new Date(), lastSeenAt: new Date() });
  await em.flush();
  return { monitor, hit };
}

async function world() {
  const { accountId, adminToken } = await s.newAccount();
  const tenantA = await buildTenant(s, adminToken, 'Client A');
  const tenantB = await buildTenant(s, adminToken, 'Client B');
  const domainA = await insertDomain(s, { accountId, tenantUuid: uuid(tenantA), name: `${unique('live-a')}.example.com` });
  const domainB = await insertDomain(s, { accountId, tenantUuid: uuid(tenantB), name: `${unique('live-b')}.example.com` });
  const tok = async (t: string) => (await insertApiToken(s, { accountId, tenantUuid: uuid(t), permissions: ALL })).secret;
  return { accountId, adminToken, tenantA, tenantB, domainA, domainB, tokenA: await tok(tenantA), tokenB: await tok(tenantB) };
}

describe('domainHealthChanged', () => {
  it('yields a domain when its status changes (once per change), to its own tenant and the agency, never to another tenant', async () => {
    const w = await world();
    const admin = subscribe<any>(s.url, w.adminToken, SUB, {}, (d) => d.domainHealthChanged);
    const subA = subscribe<any>(s.url, w.tokenA, SUB, { filter: { tenantId: w.tenantA } }, (d) => d.domainHealthChanged);
    const subB = subscribe<any>(s.url, w.tokenB, SUB, {}, (d) => d.domainHealthChanged);
    const onlyB = subscribe<any>(s.url, w.adminToken, SUB, { filter: { domainIds: [toGlobalId('Domain', w.domainB.id)] } }, (d) => d.domainHealthChanged);
    try {
      await new Promise((r) => setTimeout(r, 300));
      // Healthy at first: nothing is published for a first HEALTHY judgement.
      expect(await recomputeHealth(td(), [w.domainA.id, w.domainB.id])).toEqual([]);
      const { hit } = await list(w.accountId, uuid(w.tenantA), w.domainA.id, 'zen-a.example');
      expect(await recomputeHealth(td(), [w.domainA.id, w.domainB.id])).toEqual([{ domainId: w.domainA.id, status: 'CRITICAL' }]);
      // The same status again publishes nothing.
      expect(await recomputeHealth(td(), [w.domainA.id])).toEqual([]);
      const [first] = await subA.waitFor(1);
      expect(first).toEqual({
        domain: { id: toGlobalId('Domain', w.domainA.id), name: w.domainA.name },
        previousStatus: 'HEALTHY',
        health: { status: 'CRITICAL', reasons: ['192.0.2.50 is listed on zen-a.example'], blocklist: [{ zone: 'zen-a.example' }] },
      });
      expect((await admin.waitFor(1))[0].health.status).toBe('CRITICAL');
      // Delisted: back to HEALTHY.
      await systemEm(s.app.orm).nativeDelete(BlocklistHit, { id: hit.id });
      expect(await recomputeHealth(td(), [w.domainA.id])).toEqual([{ domainId: w.domainA.id, status: 'HEALTHY' }]);
      const items = await subA.waitFor(2);
      expect(items[1]).toMatchObject({ previousStatus: 'CRITICAL', health: { status: 'HEALTHY', reasons: [], blocklist: [] } });
      await admin.waitFor(2);
      await new Promise((r) => setTimeout(r, 500));
      expect(subA.items).toHaveLength(2);
      expect(admin.items).toHaveLength(2);
      expect(subB.items).toEqual([]);
      expect(onlyB.items).toEqual([]);
      expect([subA.errors, subB.errors, admin.errors, onlyB.errors]).toEqual([[], [], [], []]);
    } finally {
      await Promise.all([admin.close(), subA.close(), subB.close(), onlyB.close()]);
    }
  });

  it('another account’s admin receives nothing; bad filters and missing permissions are refused before the stream starts', async () => {
    const w = await world();
    const other = await s.newAccount();
    const spy = subscribe<any>(s.url, other.adminToken, SUB, {}, (d) => d.domainHealthChanged);
    try {
      await new Promise((r) => setTimeout(r, 300));
      await list(w.accountId, uuid(w.tenantB), w.domainB.id, 'zen-b.example');
      expect(await recomputeHealth(td(), [w.domainB.id])).toEqual([{ domainId: w.domainB.id, status: 'CRITICAL' }]);
      await new Promise((r) => setTimeout(r, 700));
      expect(spy.items).toEqual([]);
    } finally {
      await spy.close();
    }
    const ws = wsSession(s.url, w.tokenA);
    try {
      expect(errorCode((await ws.run(SUB, { filter: { domainIds: ['nope'] } })) as never)).toBe('BAD_USER_INPUT');
      const weak = (await insertApiToken(s, { accountId: w.accountId, tenantUuid: uuid(w.tenantA), permissions: [Permission.DOMAINS_READ] })).secret;
      const ws2 = wsSession(s.url, weak);
      expect(errorCode((await ws2.run(SUB)) as never)).toBe('FORBIDDEN');
      await ws2.close();
    } finally {
      await ws.close();
    }
  });
});
