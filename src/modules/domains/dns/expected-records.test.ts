import { describe, expect, it } from 'vitest';
import { DnsRecordKind, DnsRecordStatus } from '../domain.types';
import { expectedRecords } from './expected-records';

const base = { name: 'example.com', dkimSelector: 'mr202611', dkimPublicKey: 'MIIBkey', returnPathSubdomain: 'mr', trackingSubdomain: null, inboundSubdomain: null };

describe('expectedRecords', () => {
  it('lists SPF, DKIM and Return-Path, all required, and the optional DMARC record, all PENDING', () => {
    const records = expectedRecords(base, 'mailroom.test');
    expect(records.map(({ kind, hostname, type, value, priority, required }) => ({ kind, hostname, type, value, priority, required }))).toEqual([
      { kind: DnsRecordKind.SPF, hostname: 'example.com', type: 'TXT', value: 'v=spf1 include:_spf.mailroom.test ~all', priority: null, required: true },
      { kind: DnsRecordKind.DKIM, hostname: 'mr202611._domainkey.example.com', type: 'TXT', value: 'v=DKIM1; k=rsa; p=MIIBkey', priority: null, required: true },
      { kind: DnsRecordKind.RETURN_PATH, hostname: 'mr.example.com', type: 'CNAME', value: 'bounces.mailroom.test', priority: null, required: true },
      { kind: DnsRecordKind.DMARC, hostname: '_dmarc.example.com', type: 'TXT', value: 'v=DMARC1; p=none', priority: null, required: false },
    ]);
    for (const r of records) expect(r).toMatchObject({ status: DnsRecordStatus.PENDING, found: [], note: null, suggestedValue: null });
  });

  it('adds the optional tracking CNAME and inbound MX when their subdomains are set', () => {
    const records = expectedRecords({ ...base, returnPathSubdomain: 'bounce', trackingSubdomain: 'links', inboundSubdomain: 'in' }, 'mailroom.test');
    expect(records.find((r) => r.kind === DnsRecordKind.RETURN_PATH)?.hostname).toBe('bounce.example.com');
    expect(records.find((r) => r.kind === DnsRecordKind.TRACKING)).toMatchObject({ hostname: 'links.example.com', type: 'CNAME', value: 'track.mailroom.test', required: false, priority: null });
    expect(records.find((r) => r.kind === DnsRecordKind.INBOUND_MX)).toMatchObject({ hostname: 'in.example.com', type: 'MX', value: 'inbound.mailroom.test', required: false, priority: 10 });
  });

  it('expects the DMARC record a monitor wants, when one is set', () => {
    const value = 'v=DMARC1; p=quarantine; rua=mailto:dmarc-abc@inbound.mailroom.test';
    expect(expectedRecords({ ...base, dmarcRecord: value }, 'mailroom.test').at(-1)).toMatchObject({ kind: DnsRecordKind.DMARC, value, required: false });
  });
});
