import type { DnsLookup } from '../../../context';
import type { DnsRecord } from '../domain.types';
import { checkRecord, type LookupResult } from './check-records';
import { expectedRecords, type DomainDnsSettings } from './expected-records';

/** Resolver error codes that mean "no such record" rather than "the lookup failed". */
const MISSING_CODES = new Set(['ENOTFOUND', 'ENODATA']);

async function attempt<T>(lookup: () => Promise<T[]>): Promise<{ ok: true; records: T[] } | { ok: false; code: string }> {
  try {
    return { ok: true, records: await lookup() };
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? 'EUNKNOWN');
    return MISSING_CODES.has(code) ? { ok: true, records: [] } : { ok: false, code };
  }
}

/** Looks up the host of one expected record with the query its type needs. Network I/O through `dns`. */
export async function lookupRecord(dns: DnsLookup, record: DnsRecord): Promise<LookupResult> {
  if (record.type === 'TXT') {
    const r = await attempt(() => dns.resolveTxt(record.hostname));
    return r.ok ? { type: 'TXT', records: r.records.map((chunks) => chunks.join('')) } : { type: 'ERROR', code: r.code };
  }
  if (record.type === 'CNAME') {
    const r = await attempt(() => dns.resolveCname(record.hostname));
    return r.ok ? { type: 'CNAME', records: r.records } : { type: 'ERROR', code: r.code };
  }
  const r = await attempt(() => dns.resolveMx(record.hostname));
  return r.ok ? { type: 'MX', records: r.records } : { type: 'ERROR', code: r.code };
}

/** Looks up and checks one expected record (e.g. the DMARC record alone). Network I/O through `dns`. */
export async function checkOneRecord(dns: DnsLookup, expected: DnsRecord, mailDomain: string): Promise<DnsRecord> {
  return checkRecord(expected, await lookupRecord(dns, expected), mailDomain);
}

/** Checks every record a domain must publish against live DNS (lookups in parallel); returns them with their status. */
export async function checkDomainDns(dns: DnsLookup, domain: DomainDnsSettings, mailDomain: string): Promise<DnsRecord[]> {
  const expected = expectedRecords(domain, mailDomain);
  const results = await Promise.all(expected.map((r) => lookupRecord(dns, r)));
  return expected.map((r, i) => checkRecord(r, results[i], mailDomain));
}
