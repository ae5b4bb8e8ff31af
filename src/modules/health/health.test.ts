import { describe, expect, it } from 'vitest';
import { DnsRecordKind, DnsRecordStatus } from '../domains/domain.types';
import { type HealthInputs, HealthStatus, judgeHealth } from './health';

const ok = (kind: DnsRecordKind, required: boolean) => ({ kind, required, status: DnsRecordStatus.VERIFIED });
const base: HealthInputs = {
  records: [ok(DnsRecordKind.SPF, true), ok(DnsRecordKind.DKIM, true), ok(DnsRecordKind.RETURN_PATH, true), ok(DnsRecordKind.DMARC, false)],
  dmarc: null,
  blocklist: [],
  sent: 1000,
  delivered: 1000,
  hardBounced: 0,
  complaints: 0,
};

describe('judgeHealth', () => {
  it('is HEALTHY with verified records, no listing and low rates', () => {
    expect(judgeHealth(base)).toEqual({ status: HealthStatus.HEALTHY, bounceRate7d: 0, complaintRate7d: 0, reasons: [] });
  });

  it('complaints: 0.1 % is WARNING, 0.3 % (Gmail’s ceiling) CRITICAL, just under 0.1 % healthy', () => {
    expect(judgeHealth({ ...base, delivered: 2000, complaints: 1 }).status).toBe(HealthStatus.HEALTHY);
    expect(judgeHealth({ ...base, delivered: 1000, complaints: 1, sent: 1000 }).complaintRate7d).toBe(0.001);
    const w = judgeHealth({ ...base, delivered: 2000, complaints: 2 });
    expect(w.status).toBe(HealthStatus.WARNING);
    expect(w.reasons).toEqual(['Complaint rate 0.1 % over 7 days is at or above 0.1 %']);
    const c = judgeHealth({ ...base, complaints: 3 });
    expect(c.status).toBe(HealthStatus.CRITICAL);
    expect(c.reasons).toEqual(['Complaint rate 0.3 % over 7 days is at or above 0.3 %']);
  });

  it('bounces: above 2 % WARNING, above 5 % CRITICAL, exactly 2 % healthy', () => {
    expect(judgeHealth({ ...base, hardBounced: 20 }).status).toBe(HealthStatus.HEALTHY);
    expect(judgeHealth({ ...base, hardBounced: 21 }).status).toBe(HealthStatus.WARNING);
    expect(judgeHealth({ ...base, hardBounced: 50 }).status).toBe(HealthStatus.WARNING);
    const c = judgeHealth({ ...base, hardBounced: 51 });
    expect(c.status).toBe(HealthStatus.CRITICAL);
    expect(c.bounceRate7d).toBe(0.051);
    expect(c.reasons).toEqual(['Bounce rate 5.1 % over 7 days is above 5 %']);
  });

  it('rates below the minimum volume are reported but not judged', () => {
    const v = judgeHealth({ ...base, sent: 10, delivered: 10, hardBounced: 5, complaints: 5 });
    expect(v).toEqual({ status: HealthStatus.HEALTHY, bounceRate7d: 0.5, complaintRate7d: 0.5, reasons: [] });
    expect(judgeHealth({ ...base, sent: 0, delivered: 0 })).toMatchObject({ bounceRate7d: null, complaintRate7d: null });
  });

  it('a blocklist hit is CRITICAL', () => {
    const v = judgeHealth({ ...base, blocklist: [{ zone: 'zen.example', address: '192.0.2.1' }] });
    expect(v).toMatchObject({ status: HealthStatus.CRITICAL, reasons: ['192.0.2.1 is listed on zen.example'] });
  });

  it('a failing required record is CRITICAL, an optional one WARNING, a pending one neither', () => {
    const recs = [
      { kind: DnsRecordKind.DKIM, required: true, status: DnsRecordStatus.MISMATCH },
      { kind: DnsRecordKind.TRACKING, required: false, status: DnsRecordStatus.MISSING },
    ];
    const v = judgeHealth({ ...base, records: recs });
    expect(v).toMatchObject({ status: HealthStatus.CRITICAL, reasons: ['Required DKIM record does not match', 'Optional TRACKING record is missing'] });
    expect(judgeHealth({ ...base, records: [recs[1]] }).status).toBe(HealthStatus.WARNING);
    expect(judgeHealth({ ...base, records: [{ kind: DnsRecordKind.SPF, required: true, status: DnsRecordStatus.PENDING }] }).status).toBe(HealthStatus.HEALTHY);
  });

  it('DMARC missing or invalid is WARNING (from the monitor when there is one, else from the DNS record)', () => {
    const missing = [{ kind: DnsRecordKind.DMARC, required: false, status: DnsRecordStatus.MISSING }];
    expect(judgeHealth({ ...base, records: missing })).toMatchObject({ status: HealthStatus.WARNING, reasons: ['DMARC record is missing or invalid'] });
    expect(judgeHealth({ ...base, dmarc: { recordValid: false } })).toMatchObject({ status: HealthStatus.WARNING, reasons: ['DMARC record is missing or invalid'] });
    expect(judgeHealth({ ...base, records: missing, dmarc: { recordValid: true } }).status).toBe(HealthStatus.HEALTHY);
  });
});
