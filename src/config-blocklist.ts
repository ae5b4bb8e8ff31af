/* The blocklist zones setting (read by config.ts, the only reader of the environment). */

/** One DNS blocklist zone and what it lists: IP addresses (reversed octets / nibbles) or domain names (RFC 5782). */
export interface BlocklistZone {
  readonly zone: string;
  readonly kind: 'ip' | 'domain';
}

/** The zones checked when BLOCKLIST_ZONES is unset: the lists that matter for mail delivery. */
export const DEFAULT_BLOCKLIST_ZONES: readonly BlocklistZone[] = [
  { zone: 'zen.spamhaus.org', kind: 'ip' },
  { zone: 'bl.spamcop.net', kind: 'ip' },
  { zone: 'b.barracudacentral.org', kind: 'ip' },
  { zone: 'dnsbl-1.uceprotect.net', kind: 'ip' },
  { zone: 'psbl.surriel.com', kind: 'ip' },
  { zone: 'bl.mailspike.net', kind: 'ip' },
  { zone: 'dnsbl.sorbs.net', kind: 'ip' },
  { zone: 'dbl.spamhaus.org', kind: 'domain' },
  { zone: 'multi.surbl.org', kind: 'domain' },
  { zone: 'multi.uribl.com', kind: 'domain' },
];

/** BLOCKLIST_ZONES (`zone:ip|domain`, comma-separated; unset or blank: the defaults); throws naming the bad item. Pure. */
export function parseBlocklistZones(raw: string | undefined): BlocklistZone[] {
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_BLOCKLIST_ZONES];
  const zones: BlocklistZone[] = [];
  for (const item of raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const [zone, kind, ...rest] = item.toLowerCase().split(':');
    const valid = /^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(zone ?? '');
    if (!valid || (kind !== 'ip' && kind !== 'domain') || rest.length) {
      throw new Error(`BLOCKLIST_ZONES must be a comma list of zone:ip or zone:domain, like zen.spamhaus.org:ip,dbl.spamhaus.org:domain (got "${item.slice(0, 60)}")`);
    }
    if (!zones.some((z) => z.zone === zone)) zones.push({ zone, kind });
  }
  if (zones.length > 50) throw new Error('BLOCKLIST_ZONES may list at most 50 zones');
  return zones;
}
