import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import type { Mailer, OutgoingMail } from '../src/context';
import { createDnsLookup } from '../src/deps';
import { CheckBlocklistMonitorDocument, CreateBlocklistMonitorDocument, CreateWebhookDocument, BlocklistMonitorDocument } from './generated/graphql';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { buildTenant, insertApiToken, insertDomain } from './support/factories';
import { ok, startTestServer, type TestServer } from './support/harness';
import { freshDatabase } from './support/sending-fixtures';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';
import { subscribe } from './support/ws-client';

/** Zones of the loopback DNS server: one lists 192.0.2.9, one fails its self-test, one answers an error code, one lists domains. */
const ZONES = [
  { zone: 'listing.test', kind: 'ip' as const },
  { zone: 'broken.test', kind: 'ip' as const },
  { zone: 'errcode.test', kind: 'ip' as const },
  { zone: 'dbl.test', kind: 'domain' as const },
];

let s: TestServer;
let dns: TestDnsServer;
let rx: WebhookReceiver;
let db: { url: string; drop(): Promise<void> };
const mails: OutgoingMail[] = [];

function zonesHealthy() {
  dns.set('2.0.0.127.listing.test', [{ type: 'A', value: '127.0.0.2' }]);
  // broken.test: no test entry, so its self-test fails.
  dns.set('2.0.0.127.errcode.test', [{ type: 'A', value: '127.0.0.2' }]);
  dns.set('test.dbl.test', [{ type: 'A', value: '127.0.1.2' }]);
}

function listAddress(ip: string, zone: string, code = '127.0.0.3') {
  dns.set(`${ip.split('.').reverse().join('.')}.${zone}`, [
    { type: 'A', value: code },
    { type: 'TXT', value: `Listed by ${zone}: see https://${zone}/lookup` },
  ]);
}

beforeAll(async () => {
  db = await freshDatabase();
  dns = await startDnsServer();
  rx = await startWebhookReceiver();
  const mailer: Mailer = {
    async send(mail) {
      mails.push(mail);
      return { raw: `Subject: ${mail.subject}\r\n\r\n${mail.text}`, messageId: `<${mails.length}@test>` };
    },
  };
  s = await startTestServer(
    { databaseUrl: db.url, runWorker: true, webhookAllowPrivate: true, webhookAllowHttp: true, workerConcurrency: 2, blocklistZones: ZONES, blocklistLookupTimeoutMs: 1000 },
    { deps: { dns: createDnsLookup([dns.address]), mailer } },
  );
  zonesHealthy();
});
afterAll(async () => {
  await s?.stop();
  await rx?.close();
  await dns?.close();
  await db?.drop();
});

const uuid = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1];

async function world() {
  const { accountId, adminToken } = await s.newAccount();
  const tenantA = await buildTenant(s, adminToken, 'Client A');
  const tenantB = await buildTenant(s, adminToken, 'Client B');
  const perms = [Permission.BLOCKLIST_READ, Permission.BLOCKLIST_MANAGE, Permission.WEBHOOKS_MANAGE, Permission.WEBHOOKS_READ];
  const tokenA = (await insertApiToken(s, { accountId, permissions: perms, tenantUuid: uuid(tenantA) })).secret;
  const tokenB = (await insertApiToken(s, { accountId, permissions: perms, tenantUuid: uuid(tenantB) })).secret;
  return { accountId, adminToken, tenantA, tenantB, tokenA, tokenB };
}

/** Waits until the monitor has `n` finished checks; returns the monitor. */
async function checked(id: string, token: string, n: number) {
  let m: any = null;
  await expect
    .poll(
      async () => {
        m = ok(await s.gql(BlocklistMonitorDocument, { id }, token)).blocklistMonitor;
        // The monitor row and its checks are read by separate statements: a check committed between them
        // shows in the list before the monitor's lastCheckedAt does, so wait until both tell the same round.
        return m.lastCheckedAt !== null && m.lastCheckedAt === m.checks.edges.at(-1)?.node.finishedAt ? m.checks.totalCount : 0;
      },
      { timeout: 45_000, interval: 100 },
    )
    .toBeGreaterThanOrEqual(n);
  return m;
}

const ALERTS = `subscription($filter: BlocklistAlertFilterInput, $after: String) {
  blocklistAlerts(filter: $filter, after: $after) { id cursor kind address zone returnCodes reason occurredAt monitor { id address } }
}`;

describe('blocklist monitoring against a loopback DNS server', () => {
  it('a listing arrives live, by webhook and by e-mail, once; the unhealthy zones are reported as such; delisting likewise', { timeout: 180_000 }, async () => {
    const w = await world();
    listAddress('192.0.2.9', 'listing.test');
    listAddress('192.0.2.9', 'broken.test');
    dns.set('9.2.0.192.errcode.test', [{ type: 'A', value: '127.255.255.254' }]);
    const hookA = ok(await s.gql(CreateWebhookDocument, { input: { name: 'A', url: rx.url('/bl-a'), events: ['BLOCKLIST_LISTED', 'BLOCKLIST_DELISTED'], tenantId: w.tenantA } }, w.tokenA));
    ok(await s.gql(CreateWebhookDocument, { input: { name: 'B', url: rx.url('/bl-b'), events: ['BLOCKLIST_LISTED', 'BLOCKLIST_DELISTED'], tenantId: w.tenantB } }, w.tokenB));
    expect(hookA.createWebhook.webhook.enabled).toBe(true);
    const liveA = subscribe<any>(s.url, w.tokenA, ALERTS, {}, (d) => d.blocklistAlerts);
    const liveB = subscribe<any>(s.url, w.tokenB, ALERTS, {}, (d) => d.blocklistAlerts);
    await new Promise((r) => setTimeout(r, 300));

    const created = ok(
      await s.gql(
        CreateBlocklistMonitorDocument,
        { input: { address: '192.0.2.9', name: 'Client A MTA', tenantId: w.tenantA, notifyEmails: ['ops@client-a.example'], intervalMinutes: 60 } },
        w.tokenA,
      ),
    ).createBlocklistMonitor.monitor;
    expect(created).toMatchObject({ address: '192.0.2.9', addressKind: 'IPV4', listed: false, lastCheckedAt: null, intervalMinutes: 60, tenant: { id: w.tenantA }, hits: [] });

    const items = await liveA.waitFor(3, 20_000);
    const byKind = (k: string) => items.filter((a) => a.kind === k);
    expect(byKind('LISTED')).toMatchObject([
      { address: '192.0.2.9', zone: 'listing.test', returnCodes: ['127.0.0.3'], reason: 'Listed by listing.test: see https://listing.test/lookup', monitor: { id: created.id } },
    ]);
    expect(
      byKind('ZONE_UNHEALTHY')
        .map((a) => [a.zone, a.reason])
        .sort(),
    ).toEqual([
      ['broken.test', 'self-test failed: the test entry 127.0.0.2 is not listed'],
      ['errcode.test', '192.0.2.9: answered the error code 127.255.255.254'],
    ]);

    const m1 = await checked(created.id, w.tokenA, 1);
    expect(m1).toMatchObject({ listed: true, zonesChecked: 1, unhealthyZones: ['broken.test', 'errcode.test'], progress: null });
    expect(m1.hits).toMatchObject([{ address: '192.0.2.9', zone: 'listing.test', returnCodes: ['127.0.0.3'] }]);
    expect(new Date(m1.nextCheckAt).getTime() - new Date(m1.lastCheckedAt).getTime()).toBe(60 * 60_000);
    const check = m1.checks.edges[0].node;
    expect(check).toMatchObject({ addressesChecked: 1, zonesChecked: 1, hits: [{ address: '192.0.2.9', zone: 'listing.test' }] });
    expect(check.zones.map((z: any) => [z.zone, z.kind, z.status, z.listings])).toEqual([
      ['listing.test', 'IP', 'HEALTHY', 1],
      ['broken.test', 'IP', 'UNHEALTHY', 0],
      ['errcode.test', 'IP', 'UNHEALTHY', 0],
    ]);
    expect(check.errors).toHaveLength(2);

    const [listedHook] = await rx.waitFor('/bl-a', 2, 20_000).then((r) => r.slice(1));
    const body = JSON.parse(listedHook.body);
    expect(body).toMatchObject({
      type: 'blocklist.listed',
      data: { tenantId: w.tenantA, blocklistAlert: { id: byKind('LISTED')[0].id, monitorId: created.id, kind: 'LISTED', address: '192.0.2.9', zone: 'listing.test', returnCodes: ['127.0.0.3'] } },
    });
    // One mail per alert: the listing, and each zone that turned unhealthy.
    await expect.poll(() => mails.filter((m) => m.to === 'ops@client-a.example').length, { timeout: 20_000 }).toBe(3);
    expect(
      mails
        .filter((m) => m.to === 'ops@client-a.example')
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Blocklist: 192.0.2.9 is listed on listing.test', 'Blocklist: the zone broken.test cannot be trusted right now', 'Blocklist: the zone errcode.test cannot be trusted right now']);

    // Still listed, zones still unhealthy: a second check raises nothing.
    ok(await s.gql(CheckBlocklistMonitorDocument, { input: { id: created.id } }, w.tokenA));
    await checked(created.id, w.tokenA, 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(liveA.items).toHaveLength(3);
    expect(rx.on('/bl-a')).toHaveLength(2);
    expect(mails.filter((m) => m.to === 'ops@client-a.example')).toHaveLength(3);

    // Delisted.
    dns.clear('9.2.0.192.listing.test');
    ok(await s.gql(CheckBlocklistMonitorDocument, { input: { id: created.id } }, w.tokenA));
    await liveA.waitFor(4, 20_000);
    expect(liveA.items[3]).toMatchObject({ kind: 'DELISTED', address: '192.0.2.9', zone: 'listing.test', returnCodes: ['127.0.0.3'] });
    const m3 = await checked(created.id, w.tokenA, 3);
    expect(m3).toMatchObject({ listed: false, hits: [], unhealthyZones: ['broken.test', 'errcode.test'] });
    const hooks = await rx.waitFor('/bl-a', 3, 20_000);
    expect(JSON.parse(hooks[2].body)).toMatchObject({ type: 'blocklist.delisted', data: { blocklistAlert: { kind: 'DELISTED', zone: 'listing.test' } } });
    await expect.poll(() => mails.filter((m) => m.to === 'ops@client-a.example').length, { timeout: 20_000 }).toBe(4);
    expect(mails.filter((m) => m.to === 'ops@client-a.example')[3].subject).toBe('Blocklist: 192.0.2.9 is no longer listed on listing.test');
    await new Promise((r) => setTimeout(r, 500));
    expect(liveA.items).toHaveLength(4);

    // The other tenant heard nothing: no alert, no webhook but its own test ping.
    expect(liveB.items).toEqual([]);
    expect(liveB.errors).toEqual([]);
    expect(rx.on('/bl-b')).toHaveLength(1);

    // Resuming after the first alert replays the others, in order.
    const resumed = subscribe<any>(s.url, w.tokenA, ALERTS, { after: liveA.items[0].cursor, filter: { monitorIds: [created.id] } }, (d) => d.blocklistAlerts);
    await resumed.waitFor(3);
    expect(resumed.items.map((a) => a.id)).toEqual(liveA.items.slice(1).map((a) => a.id));
    // Tenant B resuming from the same point replays nothing of A's; a forged cursor is refused.
    const replayB = subscribe<any>(s.url, w.tokenB, ALERTS, { after: liveA.items[0].cursor }, (d) => d.blocklistAlerts);
    const bad = subscribe<any>(s.url, w.tokenA, ALERTS, { after: Buffer.from('e1:12').toString('base64url') }, (d) => d.blocklistAlerts);
    await expect.poll(() => bad.errors.length).toBe(1);
    expect(JSON.stringify(bad.errors)).toContain('BAD_USER_INPUT');
    await new Promise((r) => setTimeout(r, 500));
    expect(replayB.items).toEqual([]);
    expect(replayB.errors).toEqual([]);
    await replayB.close();
    await Promise.all([liveA.close(), liveB.close(), resumed.close(), bad.close()]);
  });

  it('a range is expanded to each address and a domain is checked on the domain lists only', { timeout: 120_000 }, async () => {
    const w = await world();
    listAddress('198.51.100.7', 'listing.test', '127.0.0.4');
    const domain = await insertDomain(s, { accountId: w.accountId, tenantUuid: uuid(w.tenantA), name: 'spammy-client-a.example.com' });
    dns.set(`${domain.name}.dbl.test`, [{ type: 'A', value: '127.0.1.2' }]);
    const range = ok(await s.gql(CreateBlocklistMonitorDocument, { input: { address: '198.51.100.0/28' } }, w.adminToken)).createBlocklistMonitor.monitor;
    expect(range).toMatchObject({ addressKind: 'CIDR', address: '198.51.100.0/28', tenant: null, name: '198.51.100.0/28' });
    const named = ok(await s.gql(CreateBlocklistMonitorDocument, { input: { address: domain.name.toUpperCase(), tenantId: w.tenantA } }, w.tokenA)).createBlocklistMonitor.monitor;
    const r = await checked(range.id, w.adminToken, 1);
    expect(r.checks.edges[0].node.addressesChecked).toBe(16);
    expect(r.hits).toMatchObject([{ address: '198.51.100.7', zone: 'listing.test', returnCodes: ['127.0.0.4'] }]);
    const d = await checked(named.id, w.tokenA, 1);
    expect(d).toMatchObject({ listed: true, unhealthyZones: [], zonesChecked: 1, hits: [{ address: domain.name, zone: 'dbl.test', returnCodes: ['127.0.1.2'] }] });
    expect(d.checks.edges[0].node.zones.map((z: any) => z.zone)).toEqual(['dbl.test']);
    // Progress of an on-demand check, live; another tenant's principal cannot follow it.
    const PROGRESS = 'subscription($id: ID!) { blocklistCheckProgress(monitorId: $id) { id lastCheckedAt progress { lookupsDone lookupsTotal } } }';
    const live = subscribe<any>(s.url, w.adminToken, PROGRESS, { id: range.id }, (x) => x.blocklistCheckProgress);
    await live.waitFor(1);
    expect(live.items[0]).toMatchObject({ id: range.id, lastCheckedAt: r.lastCheckedAt, progress: null });
    ok(await s.gql(CheckBlocklistMonitorDocument, { input: { id: range.id } }, w.adminToken));
    await expect.poll(() => live.items.some((i) => i.lastCheckedAt !== r.lastCheckedAt && i.progress === null), { timeout: 20_000 }).toBe(true);
    for (const i of live.items.filter((x) => x.progress)) expect(i.progress.lookupsTotal).toBe(3 * (2 + 16));
    const foreign = subscribe<any>(s.url, w.tokenA, PROGRESS, { id: range.id }, (x) => x.blocklistCheckProgress);
    await expect.poll(() => foreign.errors.length).toBe(1);
    expect(JSON.stringify(foreign.errors)).toContain('NOT_FOUND');
    expect(foreign.items).toEqual([]);
    await Promise.all([live.close(), foreign.close()]);
    // A principal of the domain alone sees the domain's monitor (linked to it), not the account's range.
    const domainToken = (await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.BLOCKLIST_READ], domainUuid: domain.id })).secret;
    const listed = await s.gql<any, any>('{ blocklistMonitors { totalCount edges { node { id } } } }', undefined, domainToken);
    expect(listed.data.blocklistMonitors).toEqual({ totalCount: 1, edges: [{ node: { id: named.id } }] });
  });
});
