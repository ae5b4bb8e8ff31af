import { describe, expect, it } from 'vitest';
import { DnsRecordKind, DnsRecordStatus } from '../domain.types';
import { checkRecord, mergeSpfRecords, spfWithInclude } from './check-records';
import { dmarcRecordOf, expectedRecords } from './expected-records';

const MAIL = 'mailroom.test';
const [spf, dkim, rp, tracking, mx] = expectedRecords(
  { name: 'example.com', dkimSelector: 'mr1', dkimPublicKey: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', returnPathSubdomain: 'mr', trackingSubdomain: 't', inboundSubdomain: 'in' },
  MAIL,
);
const INCLUDE = 'include:_spf.mailroom.test';

describe('SPF', () => {
  it('VERIFIED with exactly one SPF record carrying our include; other TXT records are ignored', () => {
    const r = checkRecord(spf, { type: 'TXT', records: ['google-site-verification=abc', `v=spf1 ip4:192.0.2.1 ${INCLUDE} -all`] }, MAIL);
    expect(r).toMatchObject({ kind: DnsRecordKind.SPF, status: DnsRecordStatus.VERIFIED, found: [`v=spf1 ip4:192.0.2.1 ${INCLUDE} -all`], note: null, suggestedValue: null });
  });

  it('MISSING when no TXT string starts with v=spf1', () => {
    expect(checkRecord(spf, { type: 'TXT', records: ['v=spf10 nope', 'hello'] }, MAIL)).toMatchObject({ status: DnsRecordStatus.MISSING, found: [] });
    expect(checkRecord(spf, { type: 'TXT', records: [] }, MAIL).status).toBe(DnsRecordStatus.MISSING);
  });

  it('MISMATCH for one record without our include, suggesting it with the include before the final all', () => {
    const r = checkRecord(spf, { type: 'TXT', records: ['v=spf1 include:_spf.google.com ~all'] }, MAIL);
    expect(r.status).toBe(DnsRecordStatus.MISMATCH);
    expect(r.suggestedValue).toBe(`v=spf1 include:_spf.google.com ${INCLUDE} ~all`);
    expect(r.note).toContain('_spf.mailroom.test');
  });

  it('appends the include when the record has no all mechanism', () => {
    expect(spfWithInclude('v=spf1 mx redirect=_spf.example.net', INCLUDE)).toBe(`v=spf1 mx redirect=_spf.example.net ${INCLUDE}`);
  });

  it('MISMATCH for several SPF records, with one merged suggestion and a note saying there must be only one', () => {
    const found = ['v=spf1 include:_spf.google.com ~all', `v=spf1 ip4:192.0.2.1 include:_spf.google.com ${INCLUDE} -all`];
    const r = checkRecord(spf, { type: 'TXT', records: found }, MAIL);
    expect(r.status).toBe(DnsRecordStatus.MISMATCH);
    expect(r.found).toEqual(found);
    expect(r.note).toMatch(/only one SPF record/);
    expect(r.suggestedValue).toBe(`v=spf1 include:_spf.google.com ip4:192.0.2.1 ${INCLUDE} -all`);
  });

  it('merges: de-duplicates mechanisms case-insensitively, keeps the strictest all, ~all when none, drops redirect', () => {
    expect(mergeSpfRecords(['v=spf1 mx ?all', 'v=spf1 MX a +all'], INCLUDE)).toBe(`v=spf1 mx a ${INCLUDE} ?all`);
    expect(mergeSpfRecords(['v=spf1 a', 'v=spf1 redirect=_spf.other.net exp=explain.example.com'], INCLUDE)).toBe(`v=spf1 a exp=explain.example.com ${INCLUDE} ~all`);
  });
});

describe('DKIM', () => {
  const key = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA';
  it('VERIFIED when the p= value matches, ignoring whitespace and tag order', () => {
    const r = checkRecord(dkim, { type: 'TXT', records: [`k=rsa; v=DKIM1; p=${key.slice(0, 10)} ${key.slice(10)}`] }, MAIL);
    expect(r.status).toBe(DnsRecordStatus.VERIFIED);
  });
  it('MISMATCH with another key, MISSING with none', () => {
    const other = checkRecord(dkim, { type: 'TXT', records: ['v=DKIM1; k=rsa; p=OTHERKEY'] }, MAIL);
    expect(other).toMatchObject({ status: DnsRecordStatus.MISMATCH, found: ['v=DKIM1; k=rsa; p=OTHERKEY'] });
    expect(checkRecord(dkim, { type: 'TXT', records: [] }, MAIL).status).toBe(DnsRecordStatus.MISSING);
  });
});

describe('CNAME and MX', () => {
  it('compares CNAME targets case-insensitively without the trailing dot', () => {
    expect(checkRecord(rp, { type: 'CNAME', records: ['Bounces.MailRoom.test.'] }, MAIL)).toMatchObject({ status: DnsRecordStatus.VERIFIED, found: ['Bounces.MailRoom.test'] });
    expect(checkRecord(tracking, { type: 'CNAME', records: ['elsewhere.example.net'] }, MAIL).status).toBe(DnsRecordStatus.MISMATCH);
    expect(checkRecord(rp, { type: 'CNAME', records: [] }, MAIL).status).toBe(DnsRecordStatus.MISSING);
  });
  it('VERIFIED when one MX answer is the inbound host', () => {
    expect(checkRecord(mx, { type: 'MX', records: [{ exchange: 'INBOUND.mailroom.test.', priority: 10 }] }, MAIL)).toMatchObject({
      status: DnsRecordStatus.VERIFIED,
      found: ['10 INBOUND.mailroom.test'],
    });
    expect(checkRecord(mx, { type: 'MX', records: [{ exchange: 'mx.other.net', priority: 5 }] }, MAIL).status).toBe(DnsRecordStatus.MISMATCH);
  });
  it('leaves a record PENDING with a note when the lookup itself failed', () => {
    expect(checkRecord(rp, { type: 'ERROR', code: 'ETIMEOUT' }, MAIL)).toMatchObject({ status: DnsRecordStatus.PENDING, note: expect.stringContaining('ETIMEOUT') });
  });
});

describe('DMARC', () => {
  const RUA = 'dmarc-tok@inbound.mailroom.test';
  const monitored = dmarcRecordOf({ name: 'example.com', dmarcRecord: `v=DMARC1; p=none; rua=mailto:${RUA}` });
  const plain = dmarcRecordOf({ name: 'example.com' });
  const txt = (...records: string[]) => ({ type: 'TXT' as const, records });

  it('unmonitored: VERIFIED with any one valid DMARC record, MISSING without, not required', () => {
    expect(plain).toMatchObject({ hostname: '_dmarc.example.com', value: 'v=DMARC1; p=none', required: false });
    expect(checkRecord(plain, txt('v=DMARC1; p=none; rua=mailto:x@elsewhere.example'), MAIL).status).toBe(DnsRecordStatus.VERIFIED);
    expect(checkRecord(plain, txt('some other txt'), MAIL)).toMatchObject({ status: DnsRecordStatus.MISSING, found: [] });
  });

  it('monitored: VERIFIED when rua includes the monitor address (among others, with a size limit)', () => {
    expect(checkRecord(monitored, txt(`v=DMARC1;p=none; rua=mailto:a@b.example,mailto:${RUA.toUpperCase()}!10m`), MAIL).status).toBe(DnsRecordStatus.VERIFIED);
  });

  it('monitored: MISMATCH without our address, suggesting the record with it added and other tags kept', () => {
    const r = checkRecord(monitored, txt('v=DMARC1; p=none; rua=mailto:a@b.example; fo=1'), MAIL);
    expect(r.status).toBe(DnsRecordStatus.MISMATCH);
    expect(r.note).toContain(`mailto:${RUA}`);
    expect(r.suggestedValue).toBe(`v=DMARC1; p=none; rua=mailto:a@b.example,mailto:${RUA}; fo=1`);
  });

  it('MISMATCH for another policy than wanted, for a record without p, and for two records', () => {
    const wanted = dmarcRecordOf({ name: 'example.com', dmarcRecord: `v=DMARC1; p=reject; rua=mailto:${RUA}` });
    expect(checkRecord(wanted, txt(`v=DMARC1; p=none; rua=mailto:${RUA}`), MAIL)).toMatchObject({ status: DnsRecordStatus.MISMATCH, suggestedValue: `v=DMARC1; p=reject; rua=mailto:${RUA}` });
    expect(checkRecord(plain, txt('v=DMARC1; rua=mailto:x@y.example'), MAIL).note).toMatch(/no valid p= policy/);
    expect(checkRecord(plain, txt('v=DMARC1; p=none', 'v=DMARC1; p=reject'), MAIL).note).toMatch(/only one DMARC record/);
  });
});
