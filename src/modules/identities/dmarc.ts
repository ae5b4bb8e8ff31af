import { getDomain } from 'tldts';
import type { DnsLookup } from '../../context';

/** The DMARC policies a record can publish. */
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

/** A published DMARC record's policy for the domain itself (`p=`) and for its subdomains (`sp=`, defaulting to `p=`). */
export interface DmarcRecord {
  p: DmarcPolicy;
  sp: DmarcPolicy;
}

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];

function tags(record: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (!map.has(key)) map.set(key, part.slice(eq + 1).trim());
  }
  return map;
}

/**
 * Finds the DMARC record among the TXT records at `_dmarc.<domain>` (each a list of chunks, joined)
 * and reads its policy. Null when there is no valid record, or more than one (RFC 7489 §6.6.3). Pure.
 */
export function parseDmarc(txt: readonly (readonly string[])[]): DmarcRecord | null {
  const records = txt.map((chunks) => chunks.join('')).filter((r) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(r.trim()));
  if (records.length !== 1) return null;
  const t = tags(records[0]);
  const p = t.get('p')?.toLowerCase();
  if (!p || !POLICIES.includes(p)) return null;
  const sp = t.get('sp')?.toLowerCase();
  return { p: p as DmarcPolicy, sp: (sp && POLICIES.includes(sp) ? sp : p) as DmarcPolicy };
}

async function lookup(dns: DnsLookup, domain: string): Promise<DmarcRecord | null> {
  try {
    return parseDmarc(await dns.resolveTxt(`_dmarc.${domain}`));
  } catch {
    // NXDOMAIN, no TXT data or a failed lookup all mean "no policy known".
    return null;
  }
}

/**
 * The DMARC policy that applies to mail from `domain`: its own record's `p=`, else its
 * organisational domain's `sp=` (RFC 7489 §6.6.3). Null when none is published or lookups fail.
 * Side effects: DNS queries through `dns`.
 */
export async function lookupDmarcPolicy(dns: DnsLookup, domain: string): Promise<DmarcPolicy | null> {
  const own = await lookup(dns, domain);
  if (own) return own.p;
  const org = getDomain(domain);
  if (!org || org === domain) return null;
  return (await lookup(dns, org))?.sp ?? null;
}

/** Codes of identity warnings (registered as a GraphQL enum in sender-identity.types.ts). */
export enum IdentityWarningCode {
  DMARC_REJECT = 'DMARC_REJECT',
}

/** A problem with an identity that the client should fix. */
export interface Warning {
  code: IdentityWarningCode;
  message: string;
}

/** The warnings an identity's stored DMARC policy gives rise to. Pure. */
export function dmarcWarnings(email: string, policy: string | null): Warning[] {
  if (policy !== 'reject') return [];
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return [
    {
      code: IdentityWarningCode.DMARC_REJECT,
      message: `${domain} publishes a DMARC policy of p=reject, so receivers may refuse mail sent as ${email} through another domain and it may not be delivered. Ask the owner of ${domain} to set p=none or p=quarantine.`,
    },
  ];
}
