import { DnsRecord, DnsRecordKind, DnsRecordStatus } from '../domain.types';

/** What the expected records of a domain are derived from. */
export interface DomainDnsSettings {
  name: string;
  dkimSelector: string;
  /** Base64 SPKI DER of the DKIM public key. */
  dkimPublicKey: string;
  returnPathSubdomain: string;
  trackingSubdomain: string | null;
  inboundSubdomain: string | null;
}

/** The SPF mechanism that authorises the platform's servers. */
export function spfInclude(mailDomain: string): string {
  return `include:_spf.${mailDomain}`;
}

/** The DKIM TXT value publishing a base64 public key. */
export function dkimValue(publicKey: string): string {
  return `v=DKIM1; k=rsa; p=${publicKey}`;
}

function record(kind: DnsRecordKind, hostname: string, type: string, value: string, required: boolean, priority: number | null = null): DnsRecord {
  return Object.assign(new DnsRecord(), { kind, hostname, type, value, priority, required, status: DnsRecordStatus.PENDING, found: [], note: null, suggestedValue: null });
}

/**
 * The DNS records a domain must publish (SPF, DKIM, Return-Path; tracking and inbound MX when
 * their subdomains are set), all PENDING. Pure: no lookups.
 */
export function expectedRecords(d: DomainDnsSettings, mailDomain: string): DnsRecord[] {
  const records = [
    record(DnsRecordKind.SPF, d.name, 'TXT', `v=spf1 ${spfInclude(mailDomain)} ~all`, true),
    record(DnsRecordKind.DKIM, `${d.dkimSelector}._domainkey.${d.name}`, 'TXT', dkimValue(d.dkimPublicKey), true),
    record(DnsRecordKind.RETURN_PATH, `${d.returnPathSubdomain}.${d.name}`, 'CNAME', `bounces.${mailDomain}`, true),
  ];
  if (d.trackingSubdomain) records.push(record(DnsRecordKind.TRACKING, `${d.trackingSubdomain}.${d.name}`, 'CNAME', `track.${mailDomain}`, false));
  if (d.inboundSubdomain) records.push(record(DnsRecordKind.INBOUND_MX, `${d.inboundSubdomain}.${d.name}`, 'MX', `inbound.${mailDomain}`, false, 10));
  return records;
}
