import { isIP } from 'node:net';
import type { DnsLookup } from '../../context';

/** Where to deliver mail for a domain, or why there is nowhere to deliver it. */
export type MailHosts = { kind: 'hosts'; hosts: string[] } | { kind: 'none'; reason: string } | { kind: 'dns-failure'; reason: string };

const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND']);

/**
 * The mail exchangers of a domain, lowest preference first (RFC 5321 §5.1): its MX hosts; the
 * domain itself when it has no MX (the implicit MX); none for a null MX (RFC 7505, `MX 0 .`).
 * Temporary DNS errors come back as `dns-failure` so the caller retries. Side effects: DNS lookups.
 */
export async function mailHostsFor(dns: DnsLookup, domain: string): Promise<MailHosts> {
  let records: { exchange: string; priority: number }[];
  try {
    records = await dns.resolveMx(domain);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (NO_RECORDS.has(code)) return { kind: 'hosts', hosts: [domain] };
    return { kind: 'dns-failure', reason: `MX lookup for ${domain} failed: ${code || (e as Error).message}` };
  }
  if (records.length === 0) return { kind: 'hosts', hosts: [domain] };
  const hosts = [...records].sort((a, b) => a.priority - b.priority).map((r) => r.exchange.replace(/\.$/, '').toLowerCase());
  if (hosts.length === 1 && hosts[0] === '') return { kind: 'none', reason: `${domain} accepts no mail (null MX)` };
  return { kind: 'hosts', hosts: hosts.filter((h) => h !== '') };
}

/** True when a mail host is an IP literal (connect as is, no address lookup). */
export function isIpHost(host: string): boolean {
  return isIP(host.replace(/^\[|\]$/g, '')) !== 0;
}
