import { DnsRecord, DnsRecordKind, DnsRecordStatus } from '../domain.types';
import { spfInclude } from './expected-records';

/** One MX answer. */
export interface MxAnswer {
  exchange: string;
  priority: number;
}

/**
 * What looking up one expected record's host returned: TXT strings (the chunks of each record
 * already joined), CNAME targets or MX answers — empty when the name or type does not exist — or
 * the resolver's error code when the lookup itself failed.
 */
export type LookupResult = { type: 'TXT'; records: string[] } | { type: 'CNAME'; records: string[] } | { type: 'MX'; records: MxAnswer[] } | { type: 'ERROR'; code: string };

type Outcome = Pick<DnsRecord, 'status' | 'found' | 'note' | 'suggestedValue'>;

const ALL_STRICTNESS: Record<string, number> = { '+': 0, '?': 1, '~': 2, '-': 3 };

/** True when a TXT string is an SPF record (`v=spf1` followed by a space or nothing). */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1(\s|$)/i.test(txt.trim());
}

function spfTerms(record: string): string[] {
  return record.trim().split(/\s+/).slice(1);
}

function isAllTerm(term: string): boolean {
  return /^[+\-~?]?all$/i.test(term);
}

function termKey(term: string): string {
  return term.toLowerCase().replace(/^\+/, '');
}

function hasTerm(terms: string[], wanted: string): boolean {
  return terms.some((t) => termKey(t) === termKey(wanted));
}

/** The SPF record with `include` inserted before its final `all` mechanism, or appended when it has none. */
export function spfWithInclude(record: string, include: string): string {
  const terms = spfTerms(record);
  if (hasTerm(terms, include)) return ['v=spf1', ...terms].join(' ');
  let at = -1;
  terms.forEach((t, i) => {
    if (isAllTerm(t)) at = i;
  });
  if (at >= 0) terms.splice(at, 0, include);
  else terms.push(include);
  return ['v=spf1', ...terms].join(' ');
}

/**
 * Merges several SPF records into one: the union of their mechanisms (de-duplicated), `include`
 * added, and one `all` at the end — the strictest found, `~all` when none had one. `redirect=` is
 * dropped (an `all` makes it inert); of other modifiers the first of each name is kept.
 */
export function mergeSpfRecords(records: string[], include: string): string {
  const seen = new Set<string>();
  const modifiers = new Set<string>();
  const out: string[] = [];
  let strictest = -1;
  for (const term of records.flatMap(spfTerms)) {
    if (isAllTerm(term)) {
      strictest = Math.max(strictest, ALL_STRICTNESS[/^[+\-~?]/.test(term) ? term[0] : '+']);
      continue;
    }
    const modifier = /^([a-z][a-z0-9_.-]*)=/i.exec(term)?.[1]?.toLowerCase();
    if (modifier === 'redirect' || (modifier && modifiers.has(modifier))) continue;
    if (modifier) modifiers.add(modifier);
    if (seen.has(termKey(term))) continue;
    seen.add(termKey(term));
    out.push(term);
  }
  if (!seen.has(termKey(include))) out.push(include);
  const qualifier = Object.keys(ALL_STRICTNESS).find((q) => ALL_STRICTNESS[q] === strictest) ?? '~';
  return ['v=spf1', ...out, `${qualifier}all`].join(' ');
}

/** Checks the SPF TXT strings found at the domain against the platform's include. */
export function checkSpf(expected: DnsRecord, txt: string[], mailDomain: string): Outcome {
  const include = spfInclude(mailDomain);
  const found = txt.filter(isSpfRecord).map((s) => s.trim());
  if (found.length === 0) {
    return { status: DnsRecordStatus.MISSING, found, note: `No SPF record at ${expected.hostname}; publish the value shown.`, suggestedValue: null };
  }
  if (found.length > 1) {
    const note = `There must be only one SPF record at ${expected.hostname}, but ${found.length} were found; replace them with the single merged record suggested.`;
    return { status: DnsRecordStatus.MISMATCH, found, note, suggestedValue: mergeSpfRecords(found, include) };
  }
  if (hasTerm(spfTerms(found[0]), include)) return { status: DnsRecordStatus.VERIFIED, found, note: null, suggestedValue: null };
  const note = `The SPF record does not include _spf.${mailDomain}; replace it with the suggested value, which keeps its other mechanisms.`;
  return { status: DnsRecordStatus.MISMATCH, found, note, suggestedValue: spfWithInclude(found[0], include) };
}

/** The `p=` tag of a DKIM record with all whitespace removed; null when it has none. */
export function dkimPublicKeyOf(record: string): string | null {
  for (const part of record.split(';')) {
    const m = /^\s*p\s*=(.*)$/is.exec(part);
    if (m) return m[1].replace(/\s+/g, '');
  }
  return null;
}

/** Checks the TXT strings at the selector host: VERIFIED when one carries this domain's public key. */
export function checkDkim(expected: DnsRecord, txt: string[]): Outcome {
  const want = dkimPublicKeyOf(expected.value);
  const found = txt.map((s) => s.trim());
  if (found.length === 0) return { status: DnsRecordStatus.MISSING, found, note: `No DKIM record at ${expected.hostname}.`, suggestedValue: null };
  if (found.some((s) => want !== null && dkimPublicKeyOf(s) === want)) return { status: DnsRecordStatus.VERIFIED, found, note: null, suggestedValue: null };
  return { status: DnsRecordStatus.MISMATCH, found, note: `The DKIM record at ${expected.hostname} does not carry this domain's public key.`, suggestedValue: null };
}

function hostKey(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/** Checks CNAME targets, case-insensitively and ignoring a trailing dot. */
export function checkCname(expected: DnsRecord, targets: string[]): Outcome {
  const found = targets.map((t) => t.trim().replace(/\.$/, ''));
  if (found.length === 0) return { status: DnsRecordStatus.MISSING, found, note: `No CNAME record at ${expected.hostname}.`, suggestedValue: null };
  if (found.some((t) => hostKey(t) === hostKey(expected.value))) return { status: DnsRecordStatus.VERIFIED, found, note: null, suggestedValue: null };
  return { status: DnsRecordStatus.MISMATCH, found, note: `${expected.hostname} points to ${found.join(', ')} instead of ${expected.value}.`, suggestedValue: null };
}

/** Checks MX answers: VERIFIED when one of them is the expected exchange. */
export function checkMx(expected: DnsRecord, answers: MxAnswer[]): Outcome {
  const found = answers.map((a) => `${a.priority} ${a.exchange.replace(/\.$/, '')}`);
  if (found.length === 0) return { status: DnsRecordStatus.MISSING, found, note: `No MX record at ${expected.hostname}.`, suggestedValue: null };
  if (answers.some((a) => hostKey(a.exchange) === hostKey(expected.value))) return { status: DnsRecordStatus.VERIFIED, found, note: null, suggestedValue: null };
  return { status: DnsRecordStatus.MISMATCH, found, note: `The MX records at ${expected.hostname} do not point to ${expected.value}.`, suggestedValue: null };
}

/** True when a TXT string is a DMARC record (`v=DMARC1` as its first tag). */
export function isDmarcRecord(txt: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/i.test(txt.trim());
}

/** The tags of a DMARC record, names lower-cased, in order. Pure. */
export function dmarcTags(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) tags.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return tags;
}

function mailtoAddresses(rua: string | undefined): string[] {
  return (rua ?? '')
    .split(',')
    .map((u) => /^\s*mailto:([^!\s]+)/i.exec(u)?.[1]?.toLowerCase())
    .filter((a): a is string => !!a);
}

/** The found record with the expected policy and report address in it, its other tags kept. Pure. */
function dmarcSuggestion(found: string, want: Map<string, string>): string {
  const tags = dmarcTags(found);
  tags.set('p', want.get('p') ?? 'none');
  const wantRua = want.get('rua');
  if (wantRua) {
    const rua = tags.get('rua');
    tags.set('rua', rua && !mailtoAddresses(rua).includes(mailtoAddresses(wantRua)[0]) ? `${rua},${wantRua}` : (rua ?? wantRua));
  }
  return [...tags].map(([k, v]) => `${k}=${k === 'v' ? 'DMARC1' : v}`).join('; ');
}

/**
 * Checks the TXT strings at `_dmarc.<domain>`: VERIFIED when there is exactly one DMARC record, its
 * policy is the expected one and, when the expected record names a report address (a DMARC monitor),
 * its `rua` includes that address; MISMATCH (with the corrected record suggested) otherwise.
 */
export function checkDmarc(expected: DnsRecord, txt: string[]): Outcome {
  const found = txt.filter(isDmarcRecord).map((s) => s.trim());
  const want = dmarcTags(expected.value);
  if (found.length === 0) return { status: DnsRecordStatus.MISSING, found, note: `No DMARC record at ${expected.hostname}; publish the value shown.`, suggestedValue: null };
  if (found.length > 1) {
    const note = `There must be only one DMARC record at ${expected.hostname}, but ${found.length} were found (receivers then ignore them all).`;
    return { status: DnsRecordStatus.MISMATCH, found, note, suggestedValue: dmarcSuggestion(found[0], want) };
  }
  const tags = dmarcTags(found[0]);
  const problems: string[] = [];
  const p = tags.get('p')?.toLowerCase();
  if (!p || !['none', 'quarantine', 'reject'].includes(p)) problems.push('it has no valid p= policy');
  else if (want.get('p') && p !== want.get('p')) problems.push(`its policy is p=${p}, not p=${want.get('p')}`);
  const wantRua = mailtoAddresses(want.get('rua'))[0];
  if (wantRua && !mailtoAddresses(tags.get('rua')).includes(wantRua)) problems.push(`its rua does not include mailto:${wantRua}`);
  if (problems.length === 0) return { status: DnsRecordStatus.VERIFIED, found, note: null, suggestedValue: null };
  return { status: DnsRecordStatus.MISMATCH, found, note: `The DMARC record at ${expected.hostname} is not as expected: ${problems.join('; ')}.`, suggestedValue: dmarcSuggestion(found[0], want) };
}

function outcome(expected: DnsRecord, result: LookupResult, mailDomain: string): Outcome {
  if (result.type === 'ERROR') {
    return { status: DnsRecordStatus.PENDING, found: [], note: `The DNS lookup failed (${result.code}); it will be checked again.`, suggestedValue: null };
  }
  switch (expected.kind) {
    case DnsRecordKind.SPF:
      return checkSpf(expected, result.type === 'TXT' ? result.records : [], mailDomain);
    case DnsRecordKind.DKIM:
      return checkDkim(expected, result.type === 'TXT' ? result.records : []);
    case DnsRecordKind.RETURN_PATH:
    case DnsRecordKind.TRACKING:
      return checkCname(expected, result.type === 'CNAME' ? result.records : []);
    case DnsRecordKind.INBOUND_MX:
      return checkMx(expected, result.type === 'MX' ? result.records : []);
    case DnsRecordKind.DMARC:
      return checkDmarc(expected, result.type === 'TXT' ? result.records : []);
  }
}

/** The expected record with the outcome of comparing it to what the lookup found. Pure. */
export function checkRecord(expected: DnsRecord, result: LookupResult, mailDomain: string): DnsRecord {
  return Object.assign(new DnsRecord(), expected, outcome(expected, result, mailDomain));
}
