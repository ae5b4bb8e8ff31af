import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { reportFileOfMail } from './mail-report';
import { type AggregateReport, parseAggregateReport } from './parse-report';
import { DmarcRefusal, type DmarcRefusalReason } from './refusal';
import { unpackReport } from './unpack';

const DIR = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dmarc');
const MAX = 10 * 1024 * 1024;

/** Reads a fixture the way the service does: a mail's attachment, else the file itself; unpacked, parsed. */
async function load(name: string): Promise<AggregateReport> {
  const raw = readFileSync(join(DIR, name));
  const file = name.endsWith('.eml') ? (await reportFileOfMail(raw)).content : raw;
  return parseAggregateReport(unpackReport(file, MAX));
}

async function refusal(name: string): Promise<DmarcRefusalReason | null> {
  try {
    await load(name);
    return null;
  } catch (e) {
    if (e instanceof DmarcRefusal) return e.reason;
    throw e;
  }
}

/**
 * Every fixture, and what it must give: the report's key facts, or the reason it is refused. The ikea.com report
 * wraps the feedback in an unclosed `<xs:schema>` tag: not well-formed XML, so it is refused, not guessed at.
 */
const EXPECTED: Record<string, { refused: DmarcRefusalReason } | { org: string; email: string; id: string; domain: string; format: string; records: number; messages: number }> = {
  '!example.com!1538204542!1538463818.xml': { org: '', email: 'administrator@accurateplastics.com', id: 'example.com:1538463741', domain: 'example.com', format: 'RFC7489', records: 1, messages: 1 },
  '!large-example.com!1711897200!1711983600.xml': {
    org: '',
    email: 'administrator@accurateplastics.com',
    id: 'example.com:1711897200',
    domain: 'example.com',
    format: 'RFC7489',
    records: 2286,
    messages: 2286,
  },
  'addisonfoods.com!example.com!1536105600!1536191999.xml': {
    org: 'addisonfoods.com',
    email: 'postmaster@addisonfoods.com',
    id: '3ceb5548498640beaeb47327e202b0b9',
    domain: 'example.com',
    format: 'RFC7489',
    records: 1,
    messages: 1,
  },
  'empty_reason.xml': { org: 'example.org', email: 'noreply-dmarc-support@example.org', id: '20240125141224705995', domain: 'example.com', format: 'RFC7489', records: 1, messages: 2 },
  'estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!2940.xml.zip': {
    org: 'XYZ Corporation',
    email: 'admin@estadocuenta1.infonacot.gob.mx',
    id: '2940',
    domain: 'example.com',
    format: 'RFC7489',
    records: 1,
    messages: 1,
  },
  'example.net!example.com!1529366400!1529452799.xml': {
    org: 'example.net',
    email: 'postmaster@example.net',
    id: 'b043f0e264cf4ea995e93765242f6dfb',
    domain: 'example.com',
    format: 'RFC7489',
    records: 1,
    messages: 1,
  },
  'fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz': {
    org: 'FastMail Pty Ltd',
    email: 'reports@fastmaildmarc.com',
    id: '102675056',
    domain: 'indemed.com',
    format: 'RFC7489',
    records: 1,
    messages: 1,
  },
  'google-report-email.eml': { org: 'google.com', email: 'noreply-dmarc-support@google.com', id: '949348866075514174', domain: 'borschow.com', format: 'RFC7489', records: 1, messages: 1 },
  'mimecast-weird-gzip.eml': {
    org: 'Mimecast',
    email: 'no-reply@au-1.mimecastreport.com',
    id: '157a5fe30ec76f4bc0d8bccfc96c118a167a1280fee7c7465af5115e73082e5e',
    domain: 'ab.id.au',
    format: 'RFC7489',
    records: 1,
    messages: 1,
  },
  'old_draft_from_wiki.xml': { org: 'acme.com', email: 'noreply-dmarc-support@acme.com', id: '9391651994964116463', domain: 'example.com', format: 'RFC7489', records: 1, messages: 2 },
  'protection.outlook.com!example.com!1711756800!1711843200.xml': {
    org: 'Outlook.com',
    email: 'dmarcreport@microsoft.com',
    id: 'cfeafefe4129445e8c81018bd9177197',
    domain: 'example.com',
    format: 'RFC7489',
    records: 1,
    messages: 1,
  },
  'report_with_upper_cased_pass.xml': {
    org: 'example.com',
    email: 'postmaster@example.com',
    id: 'aggr_report_example.com_20191202_1638',
    domain: 'example.com',
    format: 'RFC7489',
    records: 1,
    messages: 1,
  },
  'rfc9990-example.net!example.com!1700000000!1700086399.xml': {
    org: 'example.net',
    email: 'postmaster@example.net',
    id: 'dmarcbis-test-report-001',
    domain: 'example.com',
    format: 'RFC9990',
    records: 2,
    messages: 7,
  },
  'rfc9990-sample.xml': { org: 'Sample Reporter', email: 'report_sender@example-reporter.com', id: '3v98abbp8ya9n3va8yr8oa3ya', domain: 'example.com', format: 'RFC9990', records: 1, messages: 123 },
  'twilight.eml': { org: 'google.com', email: 'noreply-dmarc-support@google.com', id: '1627703331531660819', domain: 'twlnet.com', format: 'RFC7489', records: 1, messages: 1 },
  'usssa.com!example.com!1538784000!1538870399.xml': {
    org: 'usssa.com',
    email: 'postmaster@usssa.com',
    id: '8953b4d4a4ee4218b6ac0e2cb2667ee1',
    domain: 'example.com',
    format: 'RFC7489',
    records: 2,
    messages: 2,
  },
  'veeam.com!example.com!1530133200!1530219600.xml': {
    org: 'veeam.com',
    email: 'noreply.it.dmarc@veeam.com',
    id: 'sonexushealth.com:1530233361',
    domain: 'example.com',
    format: 'RFC7489',
    records: 1,
    messages: 1,
  },
  'ikea.com!example.de!1538690400!1538776800.xml': { refused: 'INVALID_XML' },
  'invalid_utf_8.xml': { refused: 'WRONG_ENCODING' },
  'invalid_xml.xml': { refused: 'INVALID_XML' },
};

/** Counts `<tag>` openings and sums `<count>` values in the raw XML, independently of the parser. */
function rawCounts(xml: string): { records: number; messages: number } {
  return { records: (xml.match(/<record>/g) ?? []).length, messages: [...xml.matchAll(/<count>\s*(\d+)\s*<\/count>/g)].reduce((n, m) => n + Number(m[1]), 0) };
}

describe('DMARC fixtures', () => {
  const files = readdirSync(DIR).filter((f) => !['LICENSE', 'README.md'].includes(f));

  it('covers every fixture file', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of files) {
    it(`${name}: ${'refused' in (EXPECTED[name] ?? {}) ? 'is refused for the right reason' : 'parses, and its aggregates match the XML'}`, async () => {
      const want = EXPECTED[name];
      if ('refused' in want) {
        expect(await refusal(name)).toBe(want.refused);
        return;
      }
      const report = await load(name);
      expect(report.policy.domain).toBe(want.domain);
      expect(report.format).toBe(want.format);
      expect({ org: report.orgName, email: report.email, id: report.reportId }).toEqual({ org: want.org, email: want.email, id: want.id });
      expect(report.begin.getTime()).toBeLessThanOrEqual(report.end.getTime());
      if (!name.endsWith('.eml') && !/\.(gz|zip)$/.test(name)) {
        const raw = rawCounts(readFileSync(join(DIR, name), 'utf8'));
        expect(report.records.length).toBe(raw.records);
        expect(report.messageCount).toBe(raw.messages);
      }
      expect(report.records.length).toBe(want.records);
      expect(report.messageCount).toBe(want.messages);
      expect(report.records.reduce((n, r) => n + r.count, 0)).toBe(want.messages);
    });
  }
});

describe('parseAggregateReport', () => {
  it('reads the rows of an RFC 9990 report: aligned results, disposition, reasons, auth results', async () => {
    const r = await load('rfc9990-example.net!example.com!1700000000!1700086399.xml');
    expect(r.begin.toISOString()).toBe(new Date(1700000000_000).toISOString());
    expect(r.policy).toMatchObject({ p: 'reject', sp: 'quarantine', np: 'reject', testing: 'y', discoveryMethod: 'treewalk', adkim: 's' });
    expect(r.records[0]).toMatchObject({ sourceIp: '198.51.100.1', count: 5, disposition: 'none', dkimAligned: true, spfAligned: true, headerFrom: 'example.com' });
    expect(r.records[0].dkim).toEqual([{ domain: 'example.com', result: 'pass', selector: 'selector1', scope: null }]);
    expect(r.records[1]).toMatchObject({ sourceIp: '203.0.113.10', count: 2, disposition: 'reject', dkimAligned: false, spfAligned: false, reasons: ['other'], dkim: [] });
    expect(r.records[1].spf).toEqual([{ domain: 'spoofed.example.com', result: 'fail', scope: 'mfrom', selector: null }]);
  });

  it('reads upper-cased results and a namespaced report with a prefix', () => {
    expect(parseAggregateReport(readFileSync(join(DIR, 'report_with_upper_cased_pass.xml'))).records[0]).toMatchObject({ disposition: 'none', dkimAligned: true, spfAligned: true });
    const prefixed = readFileSync(join(DIR, 'rfc9990-sample.xml'), 'utf8')
      .replace('<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">', '<d:feedback xmlns:d="urn:ietf:params:xml:ns:dmarc-2.0">')
      .replace('</feedback>', '</d:feedback>');
    expect(parseAggregateReport(Buffer.from(prefixed))).toMatchObject({ format: 'RFC9990', reportId: '3v98abbp8ya9n3va8yr8oa3ya', messageCount: 123 });
  });

  it('refuses what is not a report, a DTD, a bad count or IP, and an unknown encoding', () => {
    const reason = (xml: string | Buffer) => {
      try {
        parseAggregateReport(typeof xml === 'string' ? Buffer.from(xml) : xml);
        return null;
      } catch (e) {
        return (e as DmarcRefusal).reason;
      }
    };
    const base = readFileSync(join(DIR, 'empty_reason.xml'), 'utf8');
    expect(reason('<html><body>hello</body></html>')).toBe('NOT_A_REPORT');
    expect(reason('not xml at all')).toBe('INVALID_XML');
    expect(reason(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${base.replace(/^<\?xml[^>]*>/, '')}`)).toBe('INVALID_XML');
    expect(reason(base.replace('<count>2</count>', '<count>two</count>'))).toBe('NOT_A_REPORT');
    expect(reason(base.replace('198.51.100.123', '999.1.1.1'))).toBe('NOT_A_REPORT');
    expect(reason(base.replace('<report_id>20240125141224705995</report_id>', ''))).toBe('NOT_A_REPORT');
    expect(reason(base.replace('encoding="UTF-8"', 'encoding="x-klingon"'))).toBe('WRONG_ENCODING');
    expect(reason(Buffer.from(base.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('example.org</org_name>', 'exämple.org</org_name>'), 'latin1'))).toBeNull();
  });
});

describe('unpackReport', () => {
  const xml = readFileSync(join(DIR, 'empty_reason.xml'));

  it('unpacks gzip and zip by their first bytes, whatever the name', () => {
    expect(unpackReport(gzipSync(xml), MAX).equals(xml)).toBe(true);
    expect(unpackReport(zipSync({ 'readme.txt': Buffer.from('hi'), 'r.xml': xml }), MAX).equals(xml)).toBe(true);
    expect(unpackReport(xml, MAX).equals(xml)).toBe(true);
  });

  it('stops a zip bomb and an oversized gzip at the cap, and refuses a zip with no XML or damaged data', () => {
    const bomb = zipSync({ 'bomb.xml': new Uint8Array(50 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    const code = (f: () => unknown) => {
      try {
        f();
        return null;
      } catch (e) {
        return (e as DmarcRefusal).reason;
      }
    };
    expect(code(() => unpackReport(bomb, 1024 * 1024))).toBe('TOO_LARGE');
    expect(code(() => unpackReport(gzipSync(new Uint8Array(5 * 1024 * 1024)), 1024 * 1024))).toBe('TOO_LARGE');
    expect(code(() => unpackReport(zipSync({ 'a.txt': Buffer.from('x') }), MAX))).toBe('NOT_A_REPORT');
    expect(code(() => unpackReport(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(20, 7)]), MAX))).toBe('CORRUPT_ARCHIVE');
  });
});
