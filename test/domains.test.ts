import { createPublicKey } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { createDnsLookup } from '../src/deps';
import { decrypt } from '../src/lib/crypto';
import { createInstructionsToken } from '../src/modules/domains/dns-instructions';
import { runDomainRecheck } from '../src/modules/domains/domain-check.service';
import { Domain } from '../src/modules/domains/domain.entity';
import {
  AddDomainDocument,
  DeleteDomainDocument,
  DnsInstructionsDocument,
  DomainDocument,
  DomainStatusChangedDocument,
  DomainsDocument,
  TenantDomainsDocument,
  VerifyDomainDocument,
  type DomainFieldsFragment,
} from './generated/graphql';
import { startDnsServer, type TestDnsServer, type TestRecord } from './support/dns-server';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
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

const uuidOf = (gid: string) => Buffer.from(gid, 'base64url').toString('utf8').split(':')[1];
const newName = () => `${unique('acme')}.example.com`;

async function add(token: string, input: Record<string, unknown>): Promise<DomainFieldsFragment> {
  return ok(await s.gql(AddDomainDocument, { input: { name: newName(), ...input } as never }, token)).addDomain.domain;
}

async function verify(token: string, domainId: string): Promise<DomainFieldsFragment> {
  return ok(await s.gql(VerifyDomainDocument, { input: { domainId } }, token)).verifyDomain.domain;
}

/** Publishes a domain's expected records in the test DNS server, with `override` replacing some hosts. */
function publish(d: DomainFieldsFragment, override: Record<string, TestRecord[]> = {}): void {
  for (const r of d.dnsRecords) {
    const rec: TestRecord = r.type === 'MX' ? { type: 'MX', value: r.value, priority: r.priority ?? 10 } : { type: r.type as 'TXT' | 'CNAME', value: r.value };
    dns.set(r.hostname, override[r.hostname] ?? [rec]);
  }
}

const record = (d: DomainFieldsFragment, kind: string) => d.dnsRecords.find((r) => r.kind === kind)!;

async function jobFor(domainGid: string): Promise<{ task_identifier: string; run_at: Date }[]> {
  return systemEm(s.app.orm)
    .getConnection()
    .execute('select task_identifier, run_at from graphile_worker.jobs where key = ?', [`domain-recheck:${uuidOf(domainGid)}`]);
}

describe('adding a domain', () => {
  it('creates the DKIM key, the records to publish and a durable re-check job', async () => {
    const { adminToken } = await s.newAccount();
    const tenantId = await buildTenant(s, adminToken, 'Acme');
    const before = Date.now();
    const d = await add(adminToken, { tenantId, trackingSubdomain: 'Links', inboundSubdomain: 'in' });
    expect(d).toMatchObject({ status: 'PENDING', returnPathSubdomain: 'mr', trackingSubdomain: 'links', inboundSubdomain: 'in', tenant: { id: tenantId, name: 'Acme' }, lastCheckedAt: null });
    expect(d.dkimSelector).toMatch(/^mr\d{6}$/);
    const dkim = record(d, 'DKIM');
    const publicKey = dkim.value.replace('v=DKIM1; k=rsa; p=', '');
    expect(createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(d.dnsRecords.map(({ kind, hostname, type, value, priority, required, status }) => ({ kind, hostname, type, value, priority, required, status }))).toEqual([
      { kind: 'SPF', hostname: d.name, type: 'TXT', value: 'v=spf1 include:_spf.mailroom.test ~all', priority: null, required: true, status: 'PENDING' },
      { kind: 'DKIM', hostname: `${d.dkimSelector}._domainkey.${d.name}`, type: 'TXT', value: dkim.value, priority: null, required: true, status: 'PENDING' },
      { kind: 'RETURN_PATH', hostname: `mr.${d.name}`, type: 'CNAME', value: 'bounces.mailroom.test', priority: null, required: true, status: 'PENDING' },
      { kind: 'TRACKING', hostname: `links.${d.name}`, type: 'CNAME', value: 'track.mailroom.test', priority: null, required: false, status: 'PENDING' },
      { kind: 'INBOUND_MX', hostname: `in.${d.name}`, type: 'MX', value: 'inbound.mailroom.test', priority: 10, required: false, status: 'PENDING' },
      { kind: 'DMARC', hostname: `_dmarc.${d.name}`, type: 'TXT', value: 'v=DMARC1; p=none', priority: null, required: false, status: 'PENDING' },
    ]);
    expect(new Date(d.recheckUntil).getTime() - before).toBeGreaterThanOrEqual(72 * 3600_000 - 1000);

    // The private key is stored encrypted, matches the public key, and is nowhere in the API.
    const row = await systemEm(s.app.orm).findOneOrFail(Domain, { id: uuidOf(d.id) }, { populate: ['dkimPrivateKeyEncrypted'] });
    expect(row.dkimPrivateKeyEncrypted).not.toContain('PRIVATE KEY');
    const pem = decrypt(s.app.config.secret, row.dkimPrivateKeyEncrypted);
    expect(createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64')).toBe(publicKey);
    const fields = ok(await s.gql<{ __type: { fields: { name: string }[] } }, object>('{ __type(name: "Domain") { fields { name } } }', {}, adminToken)).__type.fields.map((f) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['name', 'status', 'dnsRecords', 'tenant']));
    expect(fields.filter((f) => /private|key/i.test(f))).toEqual([]);

    const jobs = await jobFor(d.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].task_identifier).toBe('domain-recheck');
    expect(new Date(jobs[0].run_at).getTime() - before).toBeGreaterThanOrEqual(900_000 - 1000);

    expect(ok(await s.gql(DomainDocument, { id: d.id }, adminToken)).domain.name).toBe(d.name);
    const list = ok(await s.gql(DomainsDocument, { tenantId }, adminToken)).domains;
    expect(list).toMatchObject({ totalCount: 1, edges: [{ node: { id: d.id, tenant: { id: tenantId } } }] });
    expect(ok(await s.gql(TenantDomainsDocument, { id: tenantId }, adminToken)).tenant.domains).toEqual([{ id: d.id, name: d.name }]);
  });

  it('normalises IDNs to punycode and adds agency domains without a tenant', async () => {
    const { adminToken } = await s.newAccount();
    const label = `bücher${unique('x')}`;
    const d = await add(adminToken, { name: `  ${label.toUpperCase()}.DE. ` });
    expect(d.name).toBe(domainToASCII(`${label}.de`));
    expect(d.name).toMatch(/^xn--/);
    expect(d.tenant).toBeNull();
  });

  it('refuses invalid names and labels with BAD_USER_INPUT naming the field, duplicates with CONFLICT', async () => {
    const { adminToken } = await s.newAccount();
    for (const name of ['192.0.2.1', 'co.uk', 'no_tld', `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(56)}.com`]) {
      const res = await s.gql(AddDomainDocument, { input: { name } }, adminToken);
      expect(res.errors?.[0].extensions, name).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    }
    for (const field of ['returnPathSubdomain', 'trackingSubdomain', 'inboundSubdomain']) {
      const res = await s.gql(AddDomainDocument, { input: { name: newName(), [field]: 'a.b' } }, adminToken);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const d = await add(adminToken, {});
    const dup = await s.gql(AddDomainDocument, { input: { name: d.name.toUpperCase() } }, adminToken);
    expect(dup.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(ok(await s.gql(DomainsDocument, {}, adminToken)).domains.totalCount).toBe(1);
    // Names are unique per account, not globally.
    expect((await add((await s.newAccount()).adminToken, { name: d.name })).name).toBe(d.name);
  });
});

describe('verifying a domain', () => {
  it('is VERIFIED with every record VERIFIED once the exact records are published', async () => {
    const { adminToken } = await s.newAccount();
    const d = await add(adminToken, { trackingSubdomain: 't', inboundSubdomain: 'in' });
    publish(d);
    const v = await verify(adminToken, d.id);
    expect(v.status).toBe('VERIFIED');
    expect(v.verifiedAt).not.toBeNull();
    for (const r of v.dnsRecords) expect(r, r.kind).toMatchObject({ status: 'VERIFIED', found: [r.type === 'MX' ? `10 ${r.value}` : r.value], note: null });
  });

  it('reports MISSING records, a wrong DKIM key as MISMATCH, and stays PENDING', async () => {
    const { adminToken } = await s.newAccount();
    const d = await add(adminToken, {});
    const missing = await verify(adminToken, d.id);
    expect(missing.status).toBe('PENDING');
    expect(missing.dnsRecords.map((r) => r.status)).toEqual(['MISSING', 'MISSING', 'MISSING', 'MISSING']);
    expect(missing.lastCheckedAt).not.toBeNull();

    const dkimHost = record(d, 'DKIM').hostname;
    publish(d, { [dkimHost]: [{ type: 'TXT', value: 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong' }] });
    const wrong = await verify(adminToken, d.id);
    expect(wrong.status).toBe('PENDING');
    expect(record(wrong, 'DKIM')).toMatchObject({ status: 'MISMATCH', found: [expect.stringContaining('wrong')] });
    expect(record(wrong, 'SPF').status).toBe('VERIFIED');
  });

  it('suggests the SPF record with our include for an existing SPF, and one merged record for several', async () => {
    const { adminToken } = await s.newAccount();
    const d = await add(adminToken, {});
    publish(d, {
      [d.name]: [
        { type: 'TXT', value: 'v=spf1 include:_spf.google.com -all' },
        { type: 'TXT', value: 'site-verification=1' },
      ],
    });
    const one = record(await verify(adminToken, d.id), 'SPF');
    expect(one).toMatchObject({ status: 'MISMATCH', found: ['v=spf1 include:_spf.google.com -all'], suggestedValue: 'v=spf1 include:_spf.google.com include:_spf.mailroom.test -all' });

    publish(d, {
      [d.name]: [
        { type: 'TXT', value: 'v=spf1 include:_spf.google.com ~all' },
        { type: 'TXT', value: 'v=spf1 ip4:192.0.2.0/24 include:_spf.mailroom.test -all' },
      ],
    });
    const two = record(await verify(adminToken, d.id), 'SPF');
    expect(two.status).toBe('MISMATCH');
    expect(two.found).toHaveLength(2);
    expect(two.note).toMatch(/only one SPF record/);
    expect(two.suggestedValue).toBe('v=spf1 include:_spf.google.com ip4:192.0.2.0/24 include:_spf.mailroom.test -all');
  });
});

describe('automatic re-checks', () => {
  it('the domain-recheck task re-checks, reschedules while pending, stops when verified or after the window', async () => {
    const { adminToken } = await s.newAccount();
    const td = { orm: s.app.orm, config: s.app.config, deps: s.app.deps };
    const d = await add(adminToken, {});
    const [first] = await jobFor(d.id);
    expect(await runDomainRecheck(td, { domainId: uuidOf(d.id) })).toBe('PENDING');
    const [second] = await jobFor(d.id);
    expect(new Date(second.run_at).getTime()).toBeGreaterThan(new Date(first.run_at).getTime());
    expect(ok(await s.gql(DomainDocument, { id: d.id }, adminToken)).domain.lastCheckedAt).not.toBeNull();

    const events: unknown[] = [];
    const sub = s.app.deps.bus.subscribe('domainStatusChanged');
    const reading = (async () => {
      for await (const e of sub) events.push(e);
    })();
    publish(d);
    expect(await runDomainRecheck(td, { domainId: uuidOf(d.id) })).toBe('VERIFIED');
    await expect.poll(() => events).toContainEqual({ domainId: uuidOf(d.id), accountId: expect.any(String) });
    await sub.return?.();
    await reading;
    expect(ok(await s.gql(DomainDocument, { id: d.id }, adminToken)).domain.status).toBe('VERIFIED');

    const late = await add(adminToken, {});
    await systemEm(s.app.orm).nativeUpdate(Domain, { id: uuidOf(late.id) }, { recheckUntil: new Date(Date.now() - 1000) });
    const [pending] = await jobFor(late.id);
    expect(await runDomainRecheck(td, { domainId: uuidOf(late.id) })).toBe('FAILED');
    expect((await jobFor(late.id))[0].run_at).toEqual(pending.run_at);
    expect(await runDomainRecheck(td, { domainId: 'not-a-uuid' })).toBeNull();
  });
});

describe('DNS instructions link', () => {
  it('serves the records as HTML and JSON without checking DNS; tampered or expired links answer 404', async () => {
    const { adminToken } = await s.newAccount();
    const d = await add(adminToken, {});
    publish(d, { [d.name]: [{ type: 'TXT', value: 'v=spf1 include:<script>x</script> ~all' }] });
    await verify(adminToken, d.id);
    const link = ok(await s.gql(DnsInstructionsDocument, { input: { domainId: d.id, expiresInHours: 2 } }, adminToken)).dnsInstructions;
    expect(link.url.startsWith(`${s.app.config.publicUrl}/dns-instructions/`)).toBe(true);
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeGreaterThan(2 * 3600_000 - 5000);
    const path = new URL(link.url).pathname;
    const checkedAt = ok(await s.gql(DomainDocument, { id: d.id }, adminToken)).domain.lastCheckedAt;

    const html = await fetch(`${s.url}${path}`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    const body = await html.text();
    for (const text of [d.name, record(d, 'DKIM').hostname, 'bounces.mailroom.test', 'MISMATCH', 'include:_spf.mailroom.test']) expect(body).toContain(text);
    expect(body).toContain('&lt;script&gt;');
    expect(body).not.toContain('<script>');
    expect(body).not.toContain('PRIVATE');

    const json = await fetch(`${s.url}${path}`, { headers: { accept: 'application/json' } });
    const data = (await json.json()) as { domain: { name: string }; records: { kind: string; type: string; hostname: string; value: string; status: string }[] };
    expect(data.domain.name).toBe(d.name);
    expect(data.records.map((r) => [r.kind, r.type, r.hostname, r.status])).toEqual([
      ['SPF', 'TXT', d.name, 'MISMATCH'],
      ['DKIM', 'TXT', record(d, 'DKIM').hostname, 'VERIFIED'],
      ['RETURN_PATH', 'CNAME', `mr.${d.name}`, 'VERIFIED'],
      ['DMARC', 'TXT', `_dmarc.${d.name}`, 'VERIFIED'],
    ]);
    expect(ok(await s.gql(DomainDocument, { id: d.id }, adminToken)).domain.lastCheckedAt).toBe(checkedAt);

    const [payload, sig] = path.split('/').pop()!.split('.');
    const other = await add(adminToken, {});
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), d: uuidOf(other.id) })).toString('base64url');
    const expired = createInstructionsToken(s.app.config.secret, {
      domainId: uuidOf(d.id),
      accountId: JSON.parse(Buffer.from(payload, 'base64url').toString()).a,
      expiresAt: new Date(Date.now() - 1000),
    });
    for (const bad of [`${payload}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`, `${forged}.${sig}`, expired, 'nonsense']) {
      const res = await fetch(`${s.url}/dns-instructions/${bad}`);
      expect(res.status, bad).toBe(404);
      const text = await res.text();
      expect(text).not.toContain(d.name);
      expect(text).not.toContain(other.name);
    }
    const tooLong = await s.gql(DnsInstructionsDocument, { input: { domainId: d.id, expiresInHours: 721 } }, adminToken);
    expect(tooLong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresInHours' });
  });
});

function wsClient(token: string): Client {
  return createClient({ url: `${s.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
}

function collect(client: Client, domainId?: string) {
  const got: { id: string; status: string }[] = [];
  const errors: unknown[] = [];
  const dispose = client.subscribe<{ domainStatusChanged: { id: string; status: string } }>(
    { query: print(DomainStatusChangedDocument), variables: domainId ? { domainId } : {} },
    { next: (r) => (r.data ? got.push(r.data.domainStatusChanged) : errors.push(r.errors)), error: (e) => errors.push(e), complete: () => undefined },
  );
  return { got, errors, dispose };
}

describe('domainStatusChanged subscription', () => {
  it('delivers a status change only to subscribers whose scope holds the domain', async () => {
    const a = await s.newAccount();
    const b = await s.newAccount();
    const [t1, t2] = [await buildTenant(s, a.adminToken, 'One'), await buildTenant(s, a.adminToken, 'Two')];
    const d = await add(a.adminToken, { tenantId: t1 });
    const [probeB, markB] = [await insertDomain(s, { accountId: b.accountId }), await insertDomain(s, { accountId: b.accountId })];
    const [probeC, markC] = [await insertDomain(s, { accountId: a.accountId, tenantUuid: uuidOf(t2) }), await insertDomain(s, { accountId: a.accountId, tenantUuid: uuidOf(t2) })];
    const tenant2 = await insertApiToken(s, { accountId: a.accountId, permissions: [Permission.DOMAINS_READ], tenantUuid: uuidOf(t2) });
    const clients = [wsClient(a.adminToken), wsClient(b.adminToken), wsClient(tenant2.secret)];
    const [owner, other, sibling] = [collect(clients[0], d.id), collect(clients[1]), collect(clients[2])];
    try {
      // Probe until each subscription is live: the bus has no replay.
      const probes: [typeof owner, string, string][] = [
        [owner, uuidOf(d.id), a.accountId],
        [other, probeB.id, b.accountId],
        [sibling, probeC.id, a.accountId],
      ];
      for (const [sub, domainId, accountId] of probes) {
        await expect.poll(() => (s.app.deps.bus.publish('domainStatusChanged', { domainId, accountId }), sub.got.length), { interval: 50, timeout: 10_000 }).toBeGreaterThan(0);
      }
      publish(d);
      expect((await verify(a.adminToken, d.id)).status).toBe('VERIFIED');
      await expect.poll(() => owner.got).toContainEqual({ id: d.id, name: d.name, status: 'VERIFIED' });
      // Each subscriber gets its events in order: once its marker (published after the change) has
      // arrived, everything published before it has been delivered or dropped.
      s.app.deps.bus.publish('domainStatusChanged', { domainId: markB.id, accountId: b.accountId });
      s.app.deps.bus.publish('domainStatusChanged', { domainId: markC.id, accountId: a.accountId });
      await expect.poll(() => other.got.map((x) => x.id)).toContain(markB.gid);
      await expect.poll(() => sibling.got.map((x) => x.id)).toContain(markC.gid);
      expect(new Set(other.got.map((x) => x.id))).toEqual(new Set([probeB.gid, markB.gid]));
      expect(new Set(sibling.got.map((x) => x.id))).toEqual(new Set([probeC.gid, markC.gid]));
      expect(new Set(owner.got.map((x) => x.id))).toEqual(new Set([d.id]));
      expect([...owner.errors, ...other.errors, ...sibling.errors]).toEqual([]);

      const foreign = collect(clients[1], d.id);
      await expect.poll(() => foreign.errors.length).toBe(1);
      expect(JSON.stringify(foreign.errors)).toContain('NOT_FOUND');
    } finally {
      for (const c of clients) await c.dispose();
    }
  });
});

describe('isolation and deletion', () => {
  it('another account and another tenant’s token see and change nothing of a domain', async () => {
    const a = await s.newAccount();
    const b = await s.newAccount();
    const [t1, t2] = [await buildTenant(s, a.adminToken, 'One'), await buildTenant(s, a.adminToken, 'Two')];
    const bTenant = await buildTenant(s, b.adminToken, 'B client');
    const d = await add(a.adminToken, { tenantId: t1 });
    const manage = [Permission.DOMAINS_READ, Permission.DOMAINS_MANAGE];
    const tenant2 = (await insertApiToken(s, { accountId: a.accountId, permissions: manage, tenantUuid: uuidOf(t2) })).secret;
    const outsiders: [string, string][] = [
      [b.adminToken, bTenant],
      [tenant2, t2],
    ];
    const responses: unknown[] = [];
    for (const [token, ownTenant] of outsiders) {
      const list = ok(await s.gql(DomainsDocument, {}, token)).domains;
      expect(list.totalCount).toBe(0);
      expect(ok(await s.gql(DomainsDocument, { tenantId: t1 }, token)).domains.totalCount).toBe(0);
      expect(ok(await s.gql(TenantDomainsDocument, { id: ownTenant }, token)).tenant.domains).toEqual([]);
      const attempts = [
        await s.gql(DomainDocument, { id: d.id }, token),
        await s.gql(VerifyDomainDocument, { input: { domainId: d.id } }, token),
        await s.gql(DnsInstructionsDocument, { input: { domainId: d.id } }, token),
        await s.gql(DeleteDomainDocument, { input: { id: d.id } }, token),
      ];
      for (const res of attempts) expect(errorCode(res)).toBe('NOT_FOUND');
      responses.push(list, ...attempts);
    }
    expect(JSON.stringify(responses)).not.toContain(d.name);

    // A tenant-scoped principal adds only to its own tenant; domain-scoped ones cannot add.
    expect(errorCode(await s.gql(AddDomainDocument, { input: { name: newName(), tenantId: t1 } }, tenant2))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(AddDomainDocument, { input: { name: newName() } }, tenant2))).toBe('FORBIDDEN');
    expect((await add(tenant2, { tenantId: t2 })).tenant?.id).toBe(t2);
    const domainToken = (await insertApiToken(s, { accountId: a.accountId, permissions: manage, domainUuid: uuidOf(d.id) })).secret;
    expect(errorCode(await s.gql(AddDomainDocument, { input: { name: newName(), tenantId: t1 } }, domainToken))).toBe('FORBIDDEN');
    const readOnly = (await insertApiToken(s, { accountId: a.accountId, permissions: [Permission.DOMAINS_READ] })).secret;
    expect(errorCode(await s.gql(AddDomainDocument, { input: { name: newName() } }, readOnly))).toBe('FORBIDDEN');

    // The owner still has it untouched; deleting it takes the domain-scoped token with it.
    expect(ok(await s.gql(DomainDocument, { id: d.id }, a.adminToken)).domain).toMatchObject({ name: d.name, lastCheckedAt: null });
    expect(ok(await s.gql(DomainDocument, { id: d.id }, domainToken)).domain.name).toBe(d.name);
    expect(ok(await s.gql(DeleteDomainDocument, { input: { id: d.id } }, a.adminToken)).deleteDomain.deletedDomainId).toBe(d.id);
    expect(errorCode(await s.gql(DomainDocument, { id: d.id }, a.adminToken))).toBe('NOT_FOUND');
    expect(ok(await s.gql(TenantDomainsDocument, { id: t1 }, a.adminToken)).tenant.domains).toEqual([]);
    expect(errorCode(await s.gql(DomainsDocument, {}, domainToken))).toBe('UNAUTHENTICATED');
    expect(await runDomainRecheck({ orm: s.app.orm, config: s.app.config, deps: s.app.deps }, { domainId: uuidOf(d.id) })).toBeNull();
  });
});
