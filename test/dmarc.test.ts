import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { gzipSync } from 'node:zlib';
import { Permission } from '../src/auth/permissions';
import { runDmarcRecordChecks } from '../src/modules/dmarc/dmarc.tasks';
import { createDnsLookup } from '../src/deps';
import { type Context, scopedEm, systemEm } from '../src/context';
import { scopeForToken } from '../src/modules/access/scope-builder';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { dmarcSummaryOfDomain } from '../src/modules/dmarc/dmarc-report.service';
import { toGlobalId } from '../src/graphql/global-id';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { createMonitor, dmarcWorld, fixture, MONITOR_FIELDS, reportXml, upload } from './support/dmarc-fixtures';
import { insertApiToken, unique } from './support/factories';
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
const RFC9990 = 'rfc9990-example.net!example.com!1700000000!1700086399.xml';

describe('DMARC monitors', () => {
  it('createDmarcMonitor gives an unguessable rua address on the inbound host, checks the record, and sets the domain’s expected DMARC record', async () => {
    const name = `${unique('mon')}.example.com`;
    const w = await dmarcWorld(s, { a: name, b: `${unique('b')}.example.com` });
    dns.set(`_dmarc.${name}`, [{ type: 'TXT', value: 'v=DMARC1; p=none; rua=mailto:someone@elsewhere.example' }]);
    const m = await createMonitor(s, w.tokenA, w.domainA, 'QUARANTINE');
    expect(m.ruaAddress).toMatch(/^dmarc-[a-z2-7]{26}@inbound\.mailroom\.test$/);
    expect(m.wantedRecord).toBe(`v=DMARC1; p=quarantine; rua=mailto:${m.ruaAddress}`);
    expect(m).toMatchObject({ wantedPolicy: 'QUARANTINE', currentRecord: 'v=DMARC1; p=none; rua=mailto:someone@elsewhere.example', recordValid: false, domain: { id: w.domainA, name } });
    expect(m.recordNote).toMatch(/p=none, not p=quarantine.*rua does not include/);
    expect(m.lastCheckedAt).not.toBeNull();
    const other = await createMonitor(s, w.tokenB, w.domainB);
    expect(other.ruaAddress).not.toBe(m.ruaAddress);

    const d = ok(await s.gql<any, any>('query($id: ID!) { domain(id: $id) { dnsRecords { kind hostname value status found required suggestedValue } } }', { id: w.domainA }, w.tokenA)).domain;
    expect(d.dnsRecords.find((r: any) => r.kind === 'DMARC')).toEqual({
      kind: 'DMARC',
      hostname: `_dmarc.${name}`,
      value: m.wantedRecord,
      status: 'MISMATCH',
      found: ['v=DMARC1; p=none; rua=mailto:someone@elsewhere.example'],
      required: false,
      suggestedValue: `v=DMARC1; p=quarantine; rua=mailto:someone@elsewhere.example,mailto:${m.ruaAddress}`,
    });

    dns.set(`_dmarc.${name}`, [{ type: 'TXT', value: m.wantedRecord }]);
    const checked = ok(await s.gql<any, any>(`mutation($id: ID!) { checkDmarcMonitor(input: { id: $id }) { monitor { ${MONITOR_FIELDS} } } }`, { id: m.id }, w.tokenA)).checkDmarcMonitor.monitor;
    expect(checked).toMatchObject({ recordValid: true, currentRecord: m.wantedRecord, recordNote: null });

    const updated = ok(await s.gql<any, any>(`mutation($id: ID!) { updateDmarcMonitor(input: { id: $id, wantedPolicy: REJECT }) { monitor { ${MONITOR_FIELDS} } } }`, { id: m.id }, w.tokenA))
      .updateDmarcMonitor.monitor;
    expect(updated).toMatchObject({ wantedPolicy: 'REJECT', recordValid: false, ruaAddress: m.ruaAddress });

    const again = await s.gql<any, any>('mutation($input: CreateDmarcMonitorInput!) { createDmarcMonitor(input: $input) { monitor { id } } }', { input: { domainId: w.domainA } }, w.tokenA);
    expect(errorCode(again)).toBe('CONFLICT');
    expect(again.errors?.[0]?.extensions?.field).toBe('domainId');

    const list = ok(await s.gql<any, any>('{ dmarcMonitors { totalCount edges { node { id } } } }', undefined, w.adminToken)).dmarcMonitors;
    expect(list.edges.map((e: any) => e.node.id).sort()).toEqual([m.id, other.id].sort());
    const valid = ok(await s.gql<any, any>('{ dmarcMonitors(filter: { recordValid: true }) { totalCount } }', undefined, w.adminToken)).dmarcMonitors;
    expect(valid.totalCount).toBe(0);

    const del = ok(await s.gql<any, any>('mutation($id: ID!) { deleteDmarcMonitor(input: { id: $id }) { deletedId } }', { id: m.id }, w.tokenA)).deleteDmarcMonitor;
    expect(del.deletedId).toBe(m.id);
    expect(errorCode(await s.gql<any, any>('query($id: ID!) { dmarcMonitor(id: $id) { id } }', { id: m.id }, w.tokenA))).toBe('NOT_FOUND');
    const after = ok(await s.gql<any, any>('query($id: ID!) { domain(id: $id) { dnsRecords { kind value } } }', { id: w.domainA }, w.tokenA)).domain;
    expect(after.dnsRecords.find((r: any) => r.kind === 'DMARC').value).toBe('v=DMARC1; p=none');
  });

  it('another tenant’s principal sees nothing of a monitor and can change nothing', async () => {
    const w = await dmarcWorld(s, { a: `${unique('a')}.example.com`, b: `${unique('b')}.example.com` });
    const m = await createMonitor(s, w.tokenA, w.domainA);
    const q = (query: string, variables: Record<string, unknown>) => s.gql<any, any>(query, variables, w.tokenB);
    expect(errorCode(await q('query($id: ID!) { dmarcMonitor(id: $id) { id } }', { id: m.id }))).toBe('NOT_FOUND');
    expect(ok(await q('query($id: ID!) { node(id: $id) { id } }', { id: m.id })).node).toBeNull();
    expect(ok(await q('{ dmarcMonitors { totalCount edges { node { id } } } }', {})).dmarcMonitors).toEqual({ totalCount: 0, edges: [] });
    for (const mutation of ['updateDmarcMonitor(input: { id: $id, wantedPolicy: REJECT })', 'checkDmarcMonitor(input: { id: $id })']) {
      const res = await q(`mutation($id: ID!) { ${mutation} { monitor { id } } }`, { id: m.id });
      expect(errorCode(res)).toBe('NOT_FOUND');
      expect(JSON.stringify(res)).not.toContain(m.ruaAddress);
    }
    expect(errorCode(await q('mutation($id: ID!) { deleteDmarcMonitor(input: { id: $id }) { deletedId } }', { id: m.id }))).toBe('NOT_FOUND');
    const up = await upload(s, w.tokenB, m.id, 'r.xml', fixture(RFC9990));
    expect(errorCode(up)).toBe('NOT_FOUND');
    expect(up.errors?.[0]?.extensions?.field).toBe('monitorId');
    const create = await q('mutation($input: CreateDmarcMonitorInput!) { createDmarcMonitor(input: $input) { monitor { id } } }', { input: { domainId: w.domainA } });
    expect(errorCode(create)).toBe('NOT_FOUND');
    expect(ok(await s.gql<any, any>('query($id: ID!) { dmarcMonitor(id: $id) { wantedPolicy } }', { id: m.id }, w.tokenA)).dmarcMonitor.wantedPolicy).toBe('NONE');
  });

  it('needs DMARC_READ to read and DMARC_MANAGE to change', async () => {
    const w = await dmarcWorld(s, { a: `${unique('a')}.example.com`, b: `${unique('b')}.example.com` });
    const m = await createMonitor(s, w.tokenA, w.domainA);
    const readOnly = (await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.DMARC_READ], tenantUuid: w.tA.id })).secret;
    expect(ok(await s.gql<any, any>('query($id: ID!) { dmarcMonitor(id: $id) { id } }', { id: m.id }, readOnly)).dmarcMonitor.id).toBe(m.id);
    expect(errorCode(await upload(s, readOnly, m.id, 'r.xml', fixture(RFC9990)))).toBe('FORBIDDEN');
    const none = (await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.DOMAINS_READ], tenantUuid: w.tA.id })).secret;
    expect(errorCode(await s.gql<any, any>('{ dmarcMonitors { totalCount } }', undefined, none))).toBe('FORBIDDEN');
  });
});

describe('the DMARC record among the domain’s DNS records', () => {
  it('verifyDomain checks it, found vs expected (the monitor’s record while monitored), and does not need it for VERIFIED', async () => {
    const w = await dmarcWorld(s, { a: `${unique('a')}.example.com`, b: `${unique('b')}.example.com` });
    const name = `${unique('v')}.example.com`;
    const added = ok(
      await s.gql<any, any>(
        'mutation($input: AddDomainInput!) { addDomain(input: $input) { domain { id dnsRecords { kind hostname type value } } } }',
        { input: { name, tenantId: toGlobalId('Tenant', w.tA.id) } },
        w.adminToken,
      ),
    ).addDomain.domain;
    expect(added.dnsRecords.find((r: any) => r.kind === 'DMARC')).toEqual({ kind: 'DMARC', hostname: `_dmarc.${name}`, type: 'TXT', value: 'v=DMARC1; p=none' });
    for (const r of added.dnsRecords.filter((x: any) => x.kind !== 'DMARC')) dns.set(r.hostname, [r.type === 'TXT' ? { type: 'TXT', value: r.value } : { type: 'CNAME', value: r.value }]);
    const verify = async () =>
      ok(await s.gql<any, any>('mutation($id: ID!) { verifyDomain(input: { domainId: $id }) { domain { status dnsRecords { kind value status found required note } } } }', { id: added.id }, w.tokenA))
        .verifyDomain.domain;
    const first = await verify();
    expect(first.status).toBe('VERIFIED');
    expect(first.dnsRecords.find((r: any) => r.kind === 'DMARC')).toMatchObject({ status: 'MISSING', found: [], required: false });

    const m = await createMonitor(s, w.tokenA, added.id);
    dns.set(`_dmarc.${name}`, [{ type: 'TXT', value: 'v=DMARC1; p=none' }]);
    const second = await verify();
    expect(second.status).toBe('VERIFIED');
    expect(second.dnsRecords.find((r: any) => r.kind === 'DMARC')).toMatchObject({
      value: m.wantedRecord,
      status: 'MISMATCH',
      found: ['v=DMARC1; p=none'],
      note: expect.stringContaining(m.ruaAddress),
    });
    dns.set(`_dmarc.${name}`, [
      { type: 'TXT', value: m.wantedRecord },
      { type: 'TXT', value: 'google-site-verification=x' },
    ]);
    expect((await verify()).dnsRecords.find((r: any) => r.kind === 'DMARC')).toMatchObject({ value: m.wantedRecord, status: 'VERIFIED', found: [m.wantedRecord], note: null });
  });
});

describe('dmarcSummaryOfDomain (for the domain health view)', () => {
  it('summarises the domain’s monitor for its own client, and gives another client nothing', async () => {
    const w = await dmarcWorld(s);
    const m = await createMonitor(s, w.tokenA, w.domainA, 'REJECT');
    ok(
      await upload(
        s,
        w.tokenA,
        m.id,
        'a.xml',
        Buffer.from(
          reportXml('example.com', unique('s'), 2, [
            { ip: '192.0.2.5', count: 99, dkim: 'pass', spf: 'pass' },
            { ip: '192.0.2.6', count: 1, dkim: 'fail', spf: 'fail' },
          ]),
        ),
      ),
    );
    const em = systemEm(s.app.orm);
    const ctxOf = async (tenantUuid: string): Promise<Context> => {
      const { tokenUuid } = await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.DMARC_READ], tenantUuid });
      const scope = await scopeForToken(em, await em.findOneOrFail(ApiToken, { id: tokenUuid }));
      return {
        em: scopedEm(s.app.orm, { kind: 'principal', scope }),
        principal: { kind: 'API_TOKEN', tokenId: tokenUuid, scope, label: 't' },
        deps: s.app.deps,
        config: s.app.config,
      } as unknown as Context;
    };
    expect(await dmarcSummaryOfDomain(await ctxOf(w.tA.id), { id: w.dA.id })).toEqual({
      monitorId: m.id,
      recordValid: false,
      wantedPolicy: 'REJECT',
      currentPolicy: 'NONE',
      lastCheckedAt: expect.any(Date),
      messages30d: 100,
      alignedRate30d: 0.99,
      recommendedPolicy: 'QUARANTINE',
    });
    expect(await dmarcSummaryOfDomain(await ctxOf(w.tB.id), { id: w.dA.id })).toBeNull();
  });
});

describe('the daily re-check', () => {
  it('re-checks every monitor’s record, on the monitor and on the domain’s DMARC entry; a failed lookup keeps the last answer', async () => {
    const name = `${unique('daily')}.example.com`;
    const w = await dmarcWorld(s, { a: name, b: `${unique('b')}.example.com` });
    const m = await createMonitor(s, w.tokenA, w.domainA);
    expect(m).toMatchObject({ recordValid: false, currentRecord: null, recordNote: expect.stringContaining('No DMARC record') });
    dns.set(`_dmarc.${name}`, [{ type: 'TXT', value: m.wantedRecord }]);
    const td = { orm: s.app.orm, config: s.app.config, deps: s.app.deps };
    expect(await runDmarcRecordChecks(td, w.accountId)).toBe(1);
    const read = `query($id: ID!, $d: ID!) { dmarcMonitor(id: $id) { recordValid currentRecord lastCheckedAt } domain(id: $d) { dnsRecords { kind status found } } }`;
    const after = ok(await s.gql<any, any>(read, { id: m.id, d: w.domainA }, w.tokenA));
    expect(after.dmarcMonitor).toMatchObject({ recordValid: true, currentRecord: m.wantedRecord });
    expect(after.domain.dnsRecords.find((r: any) => r.kind === 'DMARC')).toEqual({ kind: 'DMARC', status: 'VERIFIED', found: [m.wantedRecord] });
    const failing = { ...td, deps: { ...s.app.deps, dns: { ...s.app.deps.dns, resolveTxt: () => Promise.reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })) } } };
    await runDmarcRecordChecks(failing, w.accountId);
    const kept = ok(await s.gql<any, any>(read, { id: m.id, d: w.domainA }, w.tokenA));
    expect(kept.dmarcMonitor).toMatchObject({ recordValid: true, currentRecord: m.wantedRecord, lastCheckedAt: after.dmarcMonitor.lastCheckedAt });
  });
});

describe('uploadDmarcReport', () => {
  it('files a report once: the same reporter and report id again is a duplicate that changes nothing', async () => {
    const w = await dmarcWorld(s);
    const m = await createMonitor(s, w.tokenA, w.domainA);
    const first = ok(await upload(s, w.tokenA, m.id, RFC9990, fixture(RFC9990))).uploadDmarcReport;
    expect(first.duplicate).toBe(false);
    expect(first.report).toMatchObject({
      orgName: 'example.net',
      email: 'postmaster@example.net',
      reportId: 'dmarcbis-test-report-001',
      beginAt: new Date(1700000000_000).toISOString(),
      endAt: new Date(1700086399_000).toISOString(),
      format: 'RFC9990',
      source: 'UPLOAD',
      filename: RFC9990,
      messageCount: 7,
      recordCount: 2,
      policyPublished: { domain: 'example.com', p: 'reject', sp: 'quarantine', np: 'reject', testing: 'y' },
      monitor: { id: m.id },
    });
    const again = ok(await upload(s, w.tokenA, m.id, 'copy.xml.gz', gzipSync(fixture(RFC9990)))).uploadDmarcReport;
    expect(again).toMatchObject({ duplicate: true, report: { id: first.report.id, filename: RFC9990 } });
    const [rows] = await systemEm(s.app.orm).execute('select count(*)::int as n from dmarc_report_records where monitor_id = ?', [uuidOf(m.id)]);
    expect(rows.n).toBe(2);
    const events = await systemEm(s.app.orm).execute("select tenant_id, domain_id, subject_id, data from platform_events where type = 'DMARC_REPORT_RECEIVED' and domain_id = ?", [w.dA.id]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ tenant_id: w.tA.id, subject_id: uuidOf(first.report.id), data: { monitorId: m.id, orgName: 'example.net', messageCount: 7, dmarcFailCount: 2 } });
    const listed = ok(await s.gql<any, any>('query($id: ID!) { dmarcMonitor(id: $id) { reports { totalCount edges { node { id } } } } }', { id: m.id }, w.tokenA)).dmarcMonitor.reports;
    expect(listed).toEqual({ totalCount: 1, edges: [{ node: { id: first.report.id } }] });
  });

  it('takes .zip and .xml.gz files, and refuses what is not a report of the monitor’s domain with a coded error naming contentBase64', async () => {
    const w = await dmarcWorld(s);
    const m = await createMonitor(s, w.tokenA, w.domainA);
    const zip = ok(await upload(s, w.tokenA, m.id, 'r.zip', fixture('estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!2940.xml.zip'))).uploadDmarcReport;
    expect(zip.report).toMatchObject({ orgName: 'XYZ Corporation', reportId: '2940', messageCount: 1 });
    const cases: [string, Buffer, string][] = [
      ['invalid_xml.xml', fixture('invalid_xml.xml'), 'INVALID_XML'],
      ['invalid_utf_8.xml', fixture('invalid_utf_8.xml'), 'WRONG_ENCODING'],
      ['fastmail.xml.gz', fixture('fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz'), 'DOMAIN_MISMATCH'],
      ['page.html', Buffer.from('<html><body>hi</body></html>'), 'NOT_A_REPORT'],
      ['bomb.zip', Buffer.from(zipSync({ 'bomb.xml': new Uint8Array(40 * 1024 * 1024) }, { level: 9 })), 'TOO_LARGE'],
    ];
    for (const [filename, content, reason] of cases) {
      const res = await upload(s, w.tokenA, m.id, filename, content);
      expect(errorCode(res), filename).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions).toMatchObject({ field: 'contentBase64', reason });
      expect(JSON.stringify(res.errors)).not.toMatch(/ at |select |stack/i);
    }
    const notBase64 = await s.gql<any, any>(
      'mutation($input: UploadDmarcReportInput!) { uploadDmarcReport(input: $input) { duplicate } }',
      { input: { monitorId: m.id, filename: 'x.xml', contentBase64: '%%%' } },
      w.tokenA,
    );
    expect(notBase64.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentBase64', reason: 'NOT_BASE64' });
    const reports = ok(await s.gql<any, any>('query($id: ID!) { dmarcMonitor(id: $id) { reports { totalCount } } }', { id: m.id }, w.tokenA)).dmarcMonitor.reports;
    expect(reports.totalCount).toBe(1);
  });
});

describe('dmarcMonitor.report', () => {
  it('aggregates per source IP and reporter as the XML says, lists unauthorised senders, and recommends the next policy at ≥ 98 % aligned', async () => {
    const w = await dmarcWorld(s);
    const m = await createMonitor(s, w.tokenA, w.domainA);
    dns.set('1.100.51.198.in-addr.arpa', [{ type: 'PTR', value: 'mail.sender.example' }]);
    const a = reportXml('example.com', unique('ra'), 3, [
      { ip: '198.51.100.1', count: 500, dkim: 'pass', spf: 'pass' },
      { ip: '198.51.100.1', count: 20, dkim: 'pass', spf: 'fail' },
      { ip: '8.8.8.8', count: 3, dkim: 'fail', spf: 'fail', disposition: 'quarantine' },
    ]);
    const b = reportXml('mail.example.com', unique('rb'), 2, [{ ip: '198.51.100.1', count: 480, dkim: 'fail', spf: 'pass' }], 'yahoo.com');
    ok(await upload(s, w.tokenA, m.id, 'a.xml', Buffer.from(a)));
    ok(await upload(s, w.tokenA, m.id, 'b.xml', Buffer.from(b)));
    // A report of long ago: outside the range asked for, and outside the last 30 days.
    ok(await upload(s, w.tokenA, m.id, 'old.xml', Buffer.from(reportXml('example.com', unique('rc'), 200, [{ ip: '203.0.113.9', count: 1000, dkim: 'fail', spf: 'fail' }]))));
    const from = new Date(Date.now() - 10 * 86400_000).toISOString();
    const to = new Date(Date.now() + 86400_000).toISOString();
    const query = `query($id: ID!, $from: DateTime!, $to: DateTime!) { dmarcMonitor(id: $id) { report(from: $from, to: $to) {
      messages sourceCount
      rows { ip count dmarcPass dmarcFail spfPass spfFail dkimPass dkimFail disposition country reverseDns }
      sources { orgName email reports count }
      unauthorizedSenders { ip count }
      recommendation { currentPolicy policy messages alignedRate reason } } } }`;
    const r = ok(await s.gql<any, any>(query, { id: m.id, from, to }, w.tokenA)).dmarcMonitor.report;
    expect(r.messages).toBe(1003);
    expect(r.sourceCount).toBe(2);
    expect(r.rows).toEqual([
      {
        ip: '198.51.100.1',
        count: 1000,
        dmarcPass: 1000,
        dmarcFail: 0,
        spfPass: 980,
        spfFail: 20,
        dkimPass: 520,
        dkimFail: 480,
        disposition: 'NONE',
        country: null,
        reverseDns: 'mail.sender.example',
      },
      { ip: '8.8.8.8', count: 3, dmarcPass: 0, dmarcFail: 3, spfPass: 0, spfFail: 3, dkimPass: 0, dkimFail: 3, disposition: 'QUARANTINE', country: 'US', reverseDns: null },
    ]);
    expect(r.sources).toEqual([
      { orgName: 'google.com', email: 'noreply-dmarc-support@google.com', reports: 1, count: 523 },
      { orgName: 'yahoo.com', email: 'noreply-dmarc-support@yahoo.com', reports: 1, count: 480 },
    ]);
    expect(r.unauthorizedSenders).toEqual([{ ip: '8.8.8.8', count: 3 }]);
    expect(r.recommendation).toMatchObject({ currentPolicy: 'NONE', policy: 'QUARANTINE', messages: 1003 });
    expect(r.recommendation.alignedRate).toBeCloseTo(1000 / 1003, 6);

    // More failures in the last 30 days: below 98 %, the policy stays.
    ok(await upload(s, w.tokenA, m.id, 'd.xml', Buffer.from(reportXml('example.com', unique('rd'), 20, [{ ip: '203.0.113.7', count: 100, dkim: 'fail', spf: 'fail' }]))));
    const r2 = ok(await s.gql<any, any>(query, { id: m.id, from, to }, w.tokenA)).dmarcMonitor.report;
    expect(r2.messages).toBe(1003);
    expect(r2.recommendation).toMatchObject({ policy: 'NONE', messages: 1103 });
    expect(r2.recommendation.reason).toMatch(/90\.6 %/);

    const bad = await s.gql<any, any>(query, { id: m.id, from: to, to: from }, w.tokenA);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const admin = ok(await s.gql<any, any>(query, { id: m.id, from, to }, w.adminToken)).dmarcMonitor.report;
    expect(admin.messages).toBe(1003);
  });
});
