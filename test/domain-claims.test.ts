import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { createDnsLookup } from '../src/deps';
import { parseGlobalId } from '../src/graphql/global-id';
import { AddDomainDocument, CreateTenantDocument, DomainDocument, DomainsDocument, UpdateTenantDocument, VerifyDomainDocument, type DomainFieldsFragment } from './generated/graphql';
import { startDnsServer, type TestDnsServer, type TestRecord } from './support/dns-server';
import { buildTenant, insertApiToken, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
  s = await startTestServer({}, { deps: { dns: createDnsLookup([dns.address], 1000) } });
});
afterAll(async () => {
  await s?.stop();
  await dns?.close();
});

const uuid = (gid: string) => parseGlobalId(gid)!.id;
const P = Permission;

/** Publishes a domain's expected records in the test DNS server (replacing what was there). */
function publish(d: DomainFieldsFragment): void {
  for (const r of d.dnsRecords) {
    const rec: TestRecord = r.type === 'MX' ? { type: 'MX', value: r.value, priority: r.priority ?? 10 } : { type: r.type as 'TXT' | 'CNAME', value: r.value };
    dns.set(r.hostname, [rec]);
  }
}

/** An account with clients A and B, and a token limited to A that may manage domains. */
async function world() {
  const a = await s.newAccount();
  const tenantA = await buildTenant(s, a.adminToken, 'Client A');
  const tenantB = await buildTenant(s, a.adminToken, 'Client B');
  const { secret: tokenA } = await insertApiToken(s, { accountId: a.accountId, tenantUuid: uuid(tenantA), permissions: [P.DOMAINS_MANAGE, P.DOMAINS_READ] });
  return { ...a, tenantA, tenantB, tokenA, name: `${unique('client-b')}.example.com` };
}

async function addAs(token: string, input: { name: string; tenantId?: string }) {
  return s.gql(AddDomainDocument, { input }, token);
}

describe('domain names: no oracle, no squatting', () => {
  it('a name a client squats stays PENDING and does not block adding it to the right client; the verified one wins and the squat is released', async () => {
    const w = await world();
    const squat = ok(await addAs(w.tokenA, { name: w.name, tenantId: w.tenantA })).addDomain.domain;
    expect(squat.status).toBe('PENDING');

    const real = ok(await addAs(w.adminToken, { name: w.name, tenantId: w.tenantB })).addDomain.domain;
    expect(real).toMatchObject({ name: w.name, status: 'PENDING', tenant: { id: w.tenantB } });
    publish(real);
    expect(ok(await s.gql(VerifyDomainDocument, { input: { domainId: real.id } }, w.adminToken)).verifyDomain.domain.status).toBe('VERIFIED');

    // The squat is gone: A's token no longer finds it, and the account holds one domain of the name.
    expect(errorCode(await s.gql(DomainDocument, { id: squat.id }, w.tokenA))).toBe('NOT_FOUND');
    expect(ok(await s.gql(DomainsDocument, {}, w.tokenA)).domains.totalCount).toBe(0);
    const all = ok(await s.gql(DomainsDocument, {}, w.adminToken)).domains.edges.map((e) => e.node);
    expect(all.map((d) => [d.id, d.status])).toEqual([[real.id, 'VERIFIED']]);
  });

  it('a scoped client adding a name another client verified gets the answer of any fresh name, and can never win it', async () => {
    const w = await world();
    const real = ok(await addAs(w.adminToken, { name: w.name, tenantId: w.tenantB })).addDomain.domain;
    publish(real);
    ok(await s.gql(VerifyDomainDocument, { input: { domainId: real.id } }, w.adminToken));

    const taken = await addAs(w.tokenA, { name: w.name, tenantId: w.tenantA });
    const fresh = await addAs(w.tokenA, { name: `${unique('free')}.example.com`, tenantId: w.tenantA });
    expect(taken.errors).toBeUndefined();
    const claim = taken.data!.addDomain.domain;
    expect(Object.keys(claim)).toEqual(Object.keys(fresh.data!.addDomain.domain));
    expect(claim).toMatchObject({ name: w.name, status: 'PENDING', tenant: { id: w.tenantA } });
    expect(JSON.stringify(taken)).not.toContain(uuid(w.tenantB));

    // Even with every record of its own published, the claim does not take the verified name.
    publish(claim);
    const checked = ok(await s.gql(VerifyDomainDocument, { input: { domainId: claim.id } }, w.tokenA)).verifyDomain.domain;
    expect(checked.dnsRecords.filter((r) => r.kind !== 'TRACKING' && r.kind !== 'INBOUND_MX').every((r) => r.status === 'VERIFIED')).toBe(true);
    expect(checked.status).toBe('PENDING');
    expect(ok(await s.gql(DomainDocument, { id: real.id }, w.adminToken)).domain).toMatchObject({ status: 'VERIFIED', tenant: { id: w.tenantB } });
  });

  it('CONFLICT only about what the caller can see: its own client twice, or (account-wide) a name the account verified', async () => {
    const w = await world();
    ok(await addAs(w.tokenA, { name: w.name, tenantId: w.tenantA }));
    const again = await addAs(w.tokenA, { name: w.name.toUpperCase(), tenantId: w.tenantA });
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });

    const real = ok(await addAs(w.adminToken, { name: w.name, tenantId: w.tenantB })).addDomain.domain;
    publish(real);
    ok(await s.gql(VerifyDomainDocument, { input: { domainId: real.id } }, w.adminToken));
    const agency = await addAs(w.adminToken, { name: w.name });
    expect(agency.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
  });
});

describe('tenant tags', () => {
  it('only account-wide principals (who see every tenant) create or re-tag tenants: a scoped token gets one answer for a taken and a free tag', async () => {
    const w = await world();
    const { secret } = await insertApiToken(s, { accountId: w.accountId, tenantUuid: uuid(w.tenantA), permissions: [P.DOMAINS_MANAGE] });
    const tagB = ok(await s.gql(CreateTenantDocument, { input: { name: 'C', tag: unique('tag') } }, w.adminToken)).createTenant.tenant.tag;
    const taken = await s.gql(CreateTenantDocument, { input: { name: 'X', tag: tagB } }, secret);
    const free = await s.gql(CreateTenantDocument, { input: { name: 'X', tag: unique('tag') } }, secret);
    expect(errorCode(taken)).toBe('FORBIDDEN');
    expect(taken.errors?.[0]).toEqual(free.errors?.[0]);
    const retag = await s.gql(UpdateTenantDocument, { input: { id: w.tenantA, tag: tagB } }, secret);
    expect(errorCode(retag)).toBe('FORBIDDEN');
  });
});
