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
  /** The DMARC record a DMARC monitor wants published (with its report address); null: the default. */
  dmarcRecord?: string | null;
}

/** The DMARC record recommended for a domain nobody monitors: report nothing, enforce nothing, but publish a policy. */
export const DEFAULT_DMARC_RECORD = 'v=DMARC1; p=none';

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

/** The host of a domain's DMARC record. */
export function dmarcHost(domainName: string): string {
  return `_dmarc.${domainName}`;
}

/** The expected DMARC record of a domain (optional: it never blocks VERIFIED), PENDING. Pure. */
export function dmarcRecordOf(d: Pick<DomainDnsSettings, 'name' | 'dmarcRecord'>): DnsRecord {
  return record(DnsRecordKind.DMARC, dmarcHost(d.name), 'TXT', d.dmarcRecord ?? DEFAULT_DMARC_RECORD, false);
}

/**
 * The DNS records a domain must publish (SPF, DKIM, Return-Path; tracking and inbound MX when
 * their subdomains are set) and the optional DMARC record, all PENDING. Pure: no lookups.
 */
export function expectedRecords(d: DomainDnsSettings, mailDomain: string): DnsRecord[] {
  const records = [
    record(DnsRecordKind.SPF, d.name, 'TXT', `v=spf1 ${spfInclude(mailDomain)} ~all`, true),
    record(DnsRecordKind.DKIM, `${d.dkimSelector}._domainkey.${d.name}`, 'TXT', dkimValue(d.dkimPublicKey), true),
    record(DnsRecordKind.RETURN_PATH, `${d.returnPathSubdomain}.${d.name}`, 'CNAME', `bounces.${mailDomain}`, true),
  ];
  if (d.trackingSubdomain) records.push(record(DnsRecordKind.TRACKING, `${d.trackingSubdomain}.${d.name}`, 'CNAME', `track.${mailDomain}`, false));
  if (d.inboundSubdomain) records.push(record(DnsRecordKind.INBOUND_MX, `${d.inboundSubdomain}.${d.name}`, 'MX', `inbound.${mailDomain}`, false, 10));
  records.push(dmarcRecordOf(d));
  return records;
}
