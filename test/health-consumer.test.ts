import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { insertPlatformEvents } from '../src/events/platform-events.queries';
import { BlocklistAddressKind } from '../src/modules/blocklist/address';
import { BlocklistHit } from '../src/modules/blocklist/blocklist-hit.entity';
import { BlocklistMonitor } from '../src/modules/blocklist/blocklist-monitor.entity';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';
import { freshDatabase } from './support/sending-fixtures';
import { subscribe } from './support/ws-client';

let s: TestServer;
let db: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  db = await freshDatabase();
  s = await startTestServer({ databaseUrl: db.url, runWorker: true, workerConcurrency: 2 });
});
afterAll(async () => {
  await s?.stop();
  await db?.drop();
});

const uuid = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1];
const ALL = [Permission.DOMAINS_READ, Permission.ANALYTICS_READ, Permission.DMARC_READ, Permission.BLOCKLIST_READ];
const SUB = `subscription { domainHealthChanged { domain { name } previousStatus health { status } } }`;

describe('domain-health consumer and job', () => {
  it('a platform event of a domain leads to one recompute and a live change, through the durable queue', async () => {
    const { accountId, adminToken } = await s.newAccount();
    const tenantA = await buildTenant(s, adminToken, 'Client A');
    const tenantB = await buildTenant(s, adminToken, 'Client B');
    const domain = await insertDomain(s, { accountId, tenantUuid: uuid(tenantA), name: `${unique('consumer')}.example.com` });
    const tokenA = (await insertApiToken(s, { accountId, tenantUuid: uuid(tenantA), permissions: ALL })).secret;
    const tokenB = (await insertApiToken(s, { accountId, tenantUuid: uuid(tenantB), permissions: ALL })).secret;
    const subA = subscribe<any>(s.url, tokenA, SUB, {}, (d) => d.domainHealthChanged);
    const subB = subscribe<any>(s.url, tokenB, SUB, {}, (d) => d.domainHealthChanged);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const em = systemEm(s.app.orm);
      const owners = { account: accountId, tenant: uuid(tenantA), domain: domain.id };
      const monitor = em.create(BlocklistMonitor, {
        ...owners,
        name: 'm',
        address: '192.0.2.60',
        addressKind: BlocklistAddressKind.IPV4,
        intervalMinutes: 120,
        nextCheckAt: new Date(),
        listed: true,
        notifyEmails: [],
      });
      em.create(BlocklistHit, { ...owners, monitor, address: '192.0.2.60', zone: 'zen.example', returnCodes: ['127.0.0.2'], reason: null, firstSeenAt: new Date(), lastSeenAt: new Date() });
      await em.flush();
      // Two events of one domain in a burst: one keyed job. Never judged before, so previousStatus is null.
      const event = { type: 'BLOCKLIST_LISTED' as const, accountId, tenantId: uuid(tenantA), domainId: domain.id, senderIdentityId: null, subjectId: monitor.id, data: {} };
      await insertPlatformEvents(em, [event, event]);
      const [change] = await subA.waitFor(1, 30_000);
      expect(change).toEqual({ domain: { name: domain.name }, previousStatus: null, health: { status: 'CRITICAL' } });
      const [row] = await em.execute<{ status: string }[]>('select status from domain_health_states where domain_id = ?', [domain.id]);
      expect(row.status).toBe('CRITICAL');
      await new Promise((r) => setTimeout(r, 1000));
      expect(subA.items).toHaveLength(1);
      expect(subB.items).toEqual([]);
    } finally {
      await Promise.all([subA.close(), subB.close()]);
    }
  });
});
