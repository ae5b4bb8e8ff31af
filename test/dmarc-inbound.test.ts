import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, ok, type TestServer } from './support/harness';
import { createMonitor, dmarcWorld, fixture, mailTo, reportXml } from './support/dmarc-fixtures';
import { unique } from './support/factories';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ inboundSmtpPort: 0 });
});
afterAll(() => s?.stop());

const REPORTS = `query($id: ID!) { dmarcMonitor(id: $id) { reports { totalCount edges { node { orgName email reportId source filename messageCount } } } } }`;

async function reportsOf(token: string, monitorId: string): Promise<any> {
  return ok(await s.gql<any, any>(REPORTS, { id: monitorId }, token)).dmarcMonitor.reports;
}

describe('DMARC reports by mail to the rua address', () => {
  it('files a zip, a gzip and an inline report under the monitor whose address they were sent to, and no other', async () => {
    const w = await dmarcWorld(s);
    const a = await createMonitor(s, w.tokenA, w.domainA);
    const b = await createMonitor(s, w.tokenB, w.domainB);
    const zipped = zipSync({ 'google.com!example.com!1.xml': Buffer.from(reportXml('example.com', 'zip-1', 1, [{ ip: '192.0.2.1', count: 4, dkim: 'pass', spf: 'pass' }])) });
    const sent = await mailTo(s, [a.ruaAddress], {
      text: 'This is an aggregate report.',
      attachments: [{ filename: 'google.com!example.com!1.zip', content: Buffer.from(zipped), contentType: 'application/zip' }],
    });
    expect(sent.accepted).toEqual([a.ruaAddress]);
    await mailTo(s, [a.ruaAddress.toUpperCase()], {
      attachments: [{ filename: 'report.xml.gz', content: gzipSync(reportXml('example.com', 'gz-1', 1, [{ ip: '192.0.2.2', count: 2, dkim: 'fail', spf: 'fail' }], 'yahoo.com')) }],
    });
    await mailTo(s, [a.ruaAddress], { text: reportXml('example.com', 'inline-1', 1, [{ ip: '192.0.2.3', count: 1, dkim: 'pass', spf: 'fail' }], 'outlook.com') });

    const got = await reportsOf(w.tokenA, a.id);
    expect(got.totalCount).toBe(3);
    expect(got.edges.map((e: any) => e.node)).toEqual([
      { orgName: 'google.com', email: 'noreply-dmarc-support@google.com', reportId: 'zip-1', source: 'MAIL', filename: 'google.com!example.com!1.zip', messageCount: 4 },
      { orgName: 'yahoo.com', email: 'noreply-dmarc-support@yahoo.com', reportId: 'gz-1', source: 'MAIL', filename: 'report.xml.gz', messageCount: 2 },
      { orgName: 'outlook.com', email: 'noreply-dmarc-support@outlook.com', reportId: 'inline-1', source: 'MAIL', filename: null, messageCount: 1 },
    ]);
    expect((await reportsOf(w.tokenB, b.id)).totalCount).toBe(0);
    // Tenant B's principal cannot reach A's reports, through A's monitor or by listing.
    expect((await s.gql<any, any>(REPORTS, { id: a.id }, w.tokenB)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // The same report mailed again is stored once.
    await mailTo(s, [a.ruaAddress], { text: reportXml('example.com', 'inline-1', 1, [{ ip: '192.0.2.3', count: 1, dkim: 'pass', spf: 'fail' }], 'outlook.com') });
    expect((await reportsOf(w.tokenA, a.id)).totalCount).toBe(3);
  });

  it('files reporters’ real mails as they came (Google’s zip, Mimecast’s odd gzip), each under its own monitor', async () => {
    const w = await dmarcWorld(s, { a: 'borschow.com', b: 'twlnet.com' });
    const a = await createMonitor(s, w.tokenA, w.domainA);
    const b = await createMonitor(s, w.tokenB, w.domainB);
    await mailTo(s, [a.ruaAddress], { raw: fixture('google-report-email.eml') });
    await mailTo(s, [b.ruaAddress], { raw: fixture('twilight.eml') });
    expect((await reportsOf(w.tokenA, a.id)).edges.map((e: any) => e.node)).toEqual([
      {
        orgName: 'google.com',
        email: 'noreply-dmarc-support@google.com',
        reportId: '949348866075514174',
        source: 'MAIL',
        filename: 'google.com!borschow.com!1549929600!1550015999.zip',
        messageCount: 1,
      },
    ]);
    expect((await reportsOf(w.tokenB, b.id)).edges.map((e: any) => e.node)).toEqual([
      {
        orgName: 'google.com',
        email: 'noreply-dmarc-support@google.com',
        reportId: '1627703331531660819',
        source: 'MAIL',
        filename: 'google.com!twlnet.com!1549756800!1549843199.zip',
        messageCount: 1,
      },
    ]);
    const m = await dmarcWorld(s, { a: 'ab.id.au', b: 'cd.id.au' });
    const mm = await createMonitor(s, m.tokenA, m.domainA);
    await mailTo(s, [mm.ruaAddress], { raw: fixture('mimecast-weird-gzip.eml') });
    expect((await reportsOf(m.tokenA, mm.id)).edges.map((e: any) => e.node.orgName)).toEqual(['Mimecast']);
  });

  it('a report about another monitor’s domain is refused at its own address; it never files under the other monitor', async () => {
    const w = await dmarcWorld(s);
    const a = await createMonitor(s, w.tokenA, w.domainA);
    const b = await createMonitor(s, w.tokenB, w.domainB);
    const aboutA = reportXml('example.com', unique('r'), 1, [{ ip: '192.0.2.9', count: 9, dkim: 'pass', spf: 'pass' }]);
    const err = (await mailTo(s, [b.ruaAddress], { attachments: [{ filename: 'r.xml', content: aboutA }] }).catch((e: unknown) => e)) as { responseCode?: number; response?: string };
    expect(err.responseCode).toBe(550);
    expect(err.response).toContain('DOMAIN_MISMATCH');
    expect((await reportsOf(w.tokenA, a.id)).totalCount).toBe(0);
    expect((await reportsOf(w.tokenB, b.id)).totalCount).toBe(0);
  });

  it('refuses unknown and malformed rua addresses at RCPT, and a mail that carries no report at DATA', async () => {
    const w = await dmarcWorld(s);
    const a = await createMonitor(s, w.tokenA, w.domainA);
    const token = /^dmarc-([a-z2-7]+)@/.exec(a.ruaAddress)![1];
    const flipped = a.ruaAddress.replace(token, token.slice(1) + (token[0] === 'a' ? 'b' : 'a'));
    for (const rcpt of [flipped, 'dmarc-short@inbound.mailroom.test', `dmarc-${token}@inbound.other.test`, `dmarc-${token}@mr.example.com`]) {
      const err = (await mailTo(s, [rcpt], { text: reportXml('example.com', unique('r'), 1, [{ ip: '192.0.2.9', count: 1, dkim: 'pass', spf: 'pass' }]) }).catch((e: unknown) => e)) as {
        responseCode?: number;
        rejected?: string[];
      };
      expect(err.responseCode, rcpt).toBe(550);
    }
    const none = (await mailTo(s, [a.ruaAddress], { text: 'Hello, this is not a report.' }).catch((e: unknown) => e)) as { responseCode?: number; response?: string };
    expect(none.responseCode).toBe(550);
    expect(none.response).toContain('NOT_A_REPORT');
    const broken = (await mailTo(s, [a.ruaAddress], { attachments: [{ filename: 'bad.xml', content: fixture('invalid_xml.xml') }] }).catch((e: unknown) => e)) as { response?: string };
    expect(broken.response).toContain('INVALID_XML');
    expect((await reportsOf(w.tokenA, a.id)).totalCount).toBe(0);
  });

  it('an address stops taking reports when its monitor is deleted', async () => {
    const w = await dmarcWorld(s);
    const a = await createMonitor(s, w.tokenA, w.domainA);
    ok(await s.gql<any, any>('mutation($id: ID!) { deleteDmarcMonitor(input: { id: $id }) { deletedId } }', { id: a.id }, w.tokenA));
    const err = (await mailTo(s, [a.ruaAddress], { text: reportXml('example.com', unique('r'), 1, [{ ip: '192.0.2.9', count: 1, dkim: 'pass', spf: 'pass' }]) }).catch((e: unknown) => e)) as {
      responseCode?: number;
    };
    expect(err.responseCode).toBe(550);
  });
});
