import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { COUNT_COLUMNS } from '../src/modules/analytics/rollup';
import { BlocklistAddressKind } from '../src/modules/blocklist/address';
import { BlocklistHit } from '../src/modules/blocklist/blocklist-hit.entity';
import { BlocklistMonitor } from '../src/modules/blocklist/blocklist-monitor.entity';
import { DmarcMonitor } from '../src/modules/dmarc/dmarc-monitor.entity';
import { newRuaToken } from '../src/modules/dmarc/dmarc-monitor.service';
import { Domain } from '../src/modules/domains/domain.entity';
import { DnsRecordKind, DnsRecordStatus } from '../src/modules/domains/domain.types';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { type HourlyRow, hourOf, upsertHourly } from './support/rollup-seed';

let s: TestServer;
let queries: string[] = [];
beforeAll(async () => {
  s = await startTestServer({ requestLogs: false }, { onQuery: (sql) => queries.push(sql) });
});
afterAll(() => s?.stop());

const uuid = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1];
const ALL = [Permission.DOMAINS_READ, Permission.ANALYTICS_READ, Permission.DMARC_READ, Permission.BLOCKLIST_READ];
const HEALTH = `health { status reasons bounceRate7d complaintRate7d dns { kind required status problem } dmarc { monitorId recordValid currentPolicy } blocklist { address zone } }`;
const DOMAINS = `query($tenantId: ID) { domains(first: 50, tenantId: $tenantId) { edges { node { id name ${HEALTH} } } } }`;

const record = (kind: DnsRecordKind, required: boolean, status = DnsRecordStatus.VERIFIED) => ({
  kind,
  hostname: 'h.example',
  type: 'TXT',
  value: 'v',
  priority: null,
  required,
  status,
  found: [],
  note: status === DnsRecordStatus.VERIFIED ? null : `${kind} ${status.toLowerCase()}`,
  suggested: null,
});
const GOOD = () => [record(DnsRecordKind.SPF, true), record(DnsRecordKind.DKIM, true), record(DnsRecordKind.RETURN_PATH, true), record(DnsRecordKind.DMARC, false)];

type Counts = { sent: number; delivered: number; hard_bounced?: number; spam_complaint?: number };

/** A domain of a tenant with DNS records and 7-day rollups (an hour ago). */
async function domainWith(accountId: string, tenantId: string, label: string, counts: Counts, records = GOOD()) {
  const d = await insertDomain(s, { accountId, tenantUuid: tenantId, name: `${unique(label)}.example.com` });
  const em = systemEm(s.app.orm);
  await em.nativeUpdate(Domain, { id: d.id }, { dnsRecords: records as never });
  const row = Object.fromEntries(COUNT_COLUMNS.map((c) => [c, 0])) as unknown as HourlyRow;
  Object.assign(row, { account_id: accountId, hour: hourOf(new Date(Date.now() - 3600_000)), tenant_id: tenantId, domain_id: d.id, sender_identity_id: null, template_id: null, tag: null }, counts);
  // Rollups of 10 days ago are outside the 7-day window and must not count.
  const old = { ...row, hour: hourOf(new Date(Date.now() - 10 * 86400_000)), sent: 1000, delivered: 1000, hard_bounced: 900, spam_complaint: 900 };
  await upsertHourly(em, [row, old]);
  return d;
}

async function listHits(accountId: string, tenantId: string, domain: Domain, address: string, zone: string) {
  const em = systemEm(s.app.orm);
  const owners = { account: accountId, tenant: tenantId, domain: domain.id };
  const monitor = em.create(BlocklistMonitor, { ...owners, name: 'm', address, addressKind: BlocklistAddressKind.IPV4, intervalMinutes: 120, nextCheckAt: new Date(), listed: true, notifyEmails: [] });
  em.create(BlocklistHit, { ...owners, monitor, address, zone, returnCodes: ['127.0.0.2'], reason: 'listed', firstSeenAt: new Date(), lastSeenAt: new Date() });
  await em.flush();
}

async function world() {
  const { accountId, adminToken } = await s.newAccount();
  const tenantA = await buildTenant(s, adminToken, 'Client A');
  const tenantB = await buildTenant(s, adminToken, 'Client B');
  const [a, b] = [uuid(tenantA), uuid(tenantB)];
  const volume = { sent: 1000, delivered: 1000 };
  const d = {
    healthy: await domainWith(accountId, a, 'healthy', { ...volume, hard_bounced: 20, spam_complaint: 0 }),
    complaintWarn: await domainWith(accountId, a, 'cwarn', { ...volume, spam_complaint: 1 }),
    complaintCrit: await domainWith(accountId, a, 'ccrit', { ...volume, spam_complaint: 3 }),
    bounceWarn: await domainWith(accountId, a, 'bwarn', { ...volume, hard_bounced: 21 }),
    bounceCrit: await domainWith(accountId, a, 'bcrit', { ...volume, hard_bounced: 60 }),
    listed: await domainWith(accountId, a, 'listed', volume),
    requiredDns: await domainWith(accountId, a, 'reqdns', volume, [
      record(DnsRecordKind.SPF, true),
      record(DnsRecordKind.DKIM, true, DnsRecordStatus.MISMATCH),
      record(DnsRecordKind.RETURN_PATH, true),
    ]),
    optionalDns: await domainWith(accountId, a, 'optdns', volume, [...GOOD(), record(DnsRecordKind.TRACKING, false, DnsRecordStatus.MISSING)]),
    dmarcInvalid: await domainWith(accountId, a, 'dmarc', volume),
    other: await domainWith(accountId, b, 'other', { ...volume, spam_complaint: 50 }),
  };
  await listHits(accountId, a, d.listed, '192.0.2.10', 'zen.example');
  await listHits(accountId, b, d.other, '198.51.100.99', 'secret-zone-b.example');
  const em = systemEm(s.app.orm);
  em.create(DmarcMonitor, { account: accountId, tenant: a, domain: d.dmarcInvalid.id, ruaToken: newRuaToken(), currentRecord: null, recordValid: false });
  em.create(DmarcMonitor, { account: accountId, tenant: a, domain: d.healthy.id, ruaToken: newRuaToken(), currentRecord: 'v=DMARC1; p=quarantine', recordValid: true });
  await em.flush();
  const tok = async (tenantId: string, permissions = ALL) => (await insertApiToken(s, { accountId, tenantUuid: tenantId, permissions })).secret;
  return { accountId, adminToken, tenantA, tenantB, d, tokenA: await tok(a), tokenB: await tok(b), domainsOnlyA: await tok(a, [Permission.DOMAINS_READ]) };
}

function byName(res: any): Map<string, any> {
  return new Map(ok<any>(res).domains.edges.map((e: any) => [e.node.name, e.node.health]));
}

describe('Domain.health', () => {
  it('judges each reason against the documented thresholds, for all of an agency’s clients in one query', async () => {
    const w = await world();
    const h = byName(await s.gql<any, any>(DOMAINS, {}, w.adminToken));
    expect(h.size).toBe(10);
    const of = (d: Domain) => h.get(d.name);
    expect(of(w.d.healthy)).toMatchObject({ status: 'HEALTHY', reasons: [], bounceRate7d: 0.02, complaintRate7d: 0, blocklist: [] });
    expect(of(w.d.healthy).dmarc).toEqual({ monitorId: expect.any(String), recordValid: true, currentPolicy: 'QUARANTINE' });
    expect(of(w.d.healthy).dns.map((r: any) => r.kind)).toEqual(['SPF', 'DKIM', 'RETURN_PATH', 'DMARC']);
    expect(of(w.d.complaintWarn)).toMatchObject({ status: 'WARNING', complaintRate7d: 0.001, reasons: ['Complaint rate 0.1 % over 7 days is at or above 0.1 %'] });
    expect(of(w.d.complaintCrit)).toMatchObject({ status: 'CRITICAL', complaintRate7d: 0.003, reasons: ['Complaint rate 0.3 % over 7 days is at or above 0.3 %'] });
    expect(of(w.d.bounceWarn)).toMatchObject({ status: 'WARNING', bounceRate7d: 0.021 });
    expect(of(w.d.bounceCrit)).toMatchObject({ status: 'CRITICAL', bounceRate7d: 0.06, reasons: ['Bounce rate 6 % over 7 days is above 5 %'] });
    expect(of(w.d.listed)).toMatchObject({ status: 'CRITICAL', blocklist: [{ address: '192.0.2.10', zone: 'zen.example' }], reasons: ['192.0.2.10 is listed on zen.example'] });
    expect(of(w.d.requiredDns)).toMatchObject({ status: 'CRITICAL', reasons: ['Required DKIM record does not match'] });
    expect(of(w.d.requiredDns).dns[1]).toEqual({ kind: 'DKIM', required: true, status: 'MISMATCH', problem: 'DKIM mismatch' });
    expect(of(w.d.optionalDns)).toMatchObject({ status: 'WARNING', reasons: ['Optional TRACKING record is missing'] });
    expect(of(w.d.dmarcInvalid)).toMatchObject({ status: 'WARNING', dmarc: { recordValid: false, currentPolicy: 'NONE' }, reasons: ['DMARC record is missing or invalid'] });
    expect(of(w.d.other)).toMatchObject({ status: 'CRITICAL', complaintRate7d: 0.05 });
  });

  it('another client’s principal sees nothing of a tenant’s health: not its domains, hits, rates or reasons', async () => {
    const w = await world();
    const resB = await s.gql<any, any>(DOMAINS, {}, w.tokenB);
    const hb = byName(resB);
    expect([...hb.keys()]).toEqual([w.d.other.name]);
    expect(hb.get(w.d.other.name).blocklist).toEqual([{ address: '198.51.100.99', zone: 'secret-zone-b.example' }]);
    expect(JSON.stringify(resB)).not.toContain('zen.example');
    const resA = await s.gql<any, any>(DOMAINS, { tenantId: w.tenantB }, w.tokenA);
    expect(ok<any>(resA).domains.edges).toEqual([]);
    const all = JSON.stringify(await s.gql<any, any>(DOMAINS, {}, w.tokenA));
    expect(all).not.toContain('secret-zone-b');
    expect(all).not.toContain(w.d.other.name);
    const node = await s.gql<any, any>(`query($id: ID!) { node(id: $id) { ... on Domain { ${HEALTH} } } }`, { id: toGlobalId('Domain', w.d.other.id) }, w.tokenA);
    expect(node.data.node).toBeNull();
    // Another account's admin neither.
    const other = await s.newAccount();
    expect(ok<any>(await s.gql<any, any>(DOMAINS, {}, other.adminToken)).domains.edges).toEqual([]);
  });

  it('needs DOMAINS_READ, ANALYTICS_READ, DMARC_READ and BLOCKLIST_READ', async () => {
    const w = await world();
    const res = await s.gql<any, any>(DOMAINS, {}, w.domainsOnlyA);
    expect(errorCode(res)).toBe('FORBIDDEN');
    expect(JSON.stringify(res.errors)).toContain('ANALYTICS_READ');
  });

  it('batches: the health of many domains costs the same number of statements as of two', async () => {
    const w = await world();
    const count = async (first: number) => {
      await s.gql<any, any>(`{ domains(first: ${first}) { edges { node { id } } } }`, {}, w.adminToken);
      queries = [];
      const res = await s.gql<any, any>(`{ domains(first: ${first}) { edges { node { ${HEALTH} } } } }`, {}, w.adminToken);
      expect(ok<any>(res).domains.edges).toHaveLength(first);
      return queries.length;
    };
    const two = await count(2);
    const ten = await count(10);
    expect(ten).toBe(two);
    expect(ten).toBeLessThanOrEqual(10);
  });
});
