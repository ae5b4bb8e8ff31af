import { XMLParser, XMLValidator } from 'fast-xml-parser';
import ipaddr from 'ipaddr.js';
import { refuse } from './refusal';

/** The namespace of RFC 9990 aggregate reports. */
export const DMARC_2_NAMESPACE = 'urn:ietf:params:xml:ns:dmarc-2.0';

/** What a receiver did with the messages of a row (RFC 9990 adds `pass`). */
export type Disposition = 'none' | 'pass' | 'quarantine' | 'reject';
const DISPOSITIONS: readonly Disposition[] = ['none', 'pass', 'quarantine', 'reject'];

/** One authentication result of a row (auth_results/dkim or auth_results/spf). */
export interface AuthResult {
  domain: string;
  result: string;
  selector: string | null;
  scope: string | null;
}

/** One row of a report: the messages of one source IP with one set of results. */
export interface ReportRecord {
  sourceIp: string;
  count: number;
  disposition: Disposition;
  /** DMARC-aligned DKIM and SPF (policy_evaluated). */
  dkimAligned: boolean;
  spfAligned: boolean;
  reasons: string[];
  headerFrom: string;
  envelopeFrom: string | null;
  dkim: AuthResult[];
  spf: AuthResult[];
}

/** The policy the reporter found published. */
export interface PublishedPolicy {
  domain: string;
  p: string;
  sp: string | null;
  np: string | null;
  adkim: string | null;
  aspf: string | null;
  pct: string | null;
  fo: string | null;
  testing: string | null;
  discoveryMethod: string | null;
}

/** A parsed DMARC aggregate report (RFC 7489 appendix C, or RFC 9990). */
export interface AggregateReport {
  /** RFC9990 when namespaced or using its new fields, else RFC7489. */
  format: 'RFC7489' | 'RFC9990';
  orgName: string;
  email: string;
  reportId: string;
  begin: Date;
  end: Date;
  generator: string | null;
  policy: PublishedPolicy;
  records: ReportRecord[];
  /** Total messages over all rows. */
  messageCount: number;
}

const ARRAYS = new Set(['feedback.record', 'feedback.record.auth_results.dkim', 'feedback.record.auth_results.spf', 'feedback.record.row.policy_evaluated.reason']);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (_name, jpath) => ARRAYS.has(String(jpath)),
});

type Node = Record<string, unknown>;

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number') return String(v).trim();
  if (typeof v === 'object' && '#text' in (v as Node)) return String((v as Node)['#text']).trim();
  return null;
}

function node(v: unknown): Node {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {};
}

function required(v: unknown, what: string): string {
  const t = text(v);
  if (t === null || t === '') refuse('NOT_A_REPORT', `The report has no ${what}`);
  return t;
}

function optional(v: unknown): string | null {
  const t = text(v);
  return t === null || t === '' ? null : t;
}

/** Decodes the bytes as the XML declaration says (UTF-8 when it says nothing); WRONG_ENCODING when they are not. */
export function decodeXml(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = /^\s*(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase() ?? 'utf-8';
  const label = declared === 'us-ascii' || declared === 'ascii' ? 'utf-8' : declared;
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label, { fatal: true, ignoreBOM: false });
  } catch {
    refuse('WRONG_ENCODING', `The report declares an unknown encoding (${declared})`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    refuse('WRONG_ENCODING', `The report is not valid ${declared.toUpperCase()}`);
  }
}

function authResults(list: unknown): AuthResult[] {
  return (Array.isArray(list) ? list : [])
    .map(node)
    .filter((r) => text(r.domain) !== null || text(r.result) !== null)
    .map((r) => ({ domain: (text(r.domain) ?? '').toLowerCase(), result: (text(r.result) ?? 'none').toLowerCase(), selector: optional(r.selector), scope: optional(r.scope) }));
}

function alignment(v: unknown, what: string, row: number): boolean {
  const t = text(v)?.toLowerCase();
  if (t !== 'pass' && t !== 'fail') refuse('NOT_A_REPORT', `Record ${row + 1}: policy_evaluated/${what} is "${text(v) ?? ''}", not pass or fail`);
  return t === 'pass';
}

function record(raw: unknown, i: number): ReportRecord {
  const r = node(raw);
  const row = node(r.row);
  const evaluated = node(row.policy_evaluated);
  const ip = text(row.source_ip) ?? '';
  if (!ipaddr.isValid(ip)) refuse('NOT_A_REPORT', `Record ${i + 1}: source_ip "${ip}" is not an IP address`);
  const countText = text(row.count) ?? '';
  if (!/^\d{1,9}$/.test(countText)) refuse('NOT_A_REPORT', `Record ${i + 1}: count "${countText}" is not a whole number`);
  const disposition = (text(evaluated.disposition) ?? '').toLowerCase() as Disposition;
  if (!DISPOSITIONS.includes(disposition)) refuse('NOT_A_REPORT', `Record ${i + 1}: disposition "${text(evaluated.disposition) ?? ''}" is not one of ${DISPOSITIONS.join(', ')}`);
  const ids = node(r.identifiers);
  const auth = node(r.auth_results);
  return {
    sourceIp: ipaddr.parse(ip).toString(),
    count: Number(countText),
    disposition,
    dkimAligned: alignment(evaluated.dkim, 'dkim', i),
    spfAligned: alignment(evaluated.spf, 'spf', i),
    reasons: (Array.isArray(evaluated.reason) ? evaluated.reason : []).map((x) => optional(node(x).type)).filter((x): x is string => x !== null),
    headerFrom: (text(ids.header_from) ?? '').toLowerCase(),
    envelopeFrom: optional(ids.envelope_from)?.toLowerCase() ?? null,
    dkim: authResults(auth.dkim),
    spf: authResults(auth.spf),
  };
}

function epoch(v: unknown, what: string): Date {
  const t = text(v) ?? '';
  if (!/^\d{1,12}$/.test(t)) refuse('NOT_A_REPORT', `date_range/${what} "${t}" is not a Unix time`);
  return new Date(Number(t) * 1000);
}

/**
 * Parses the XML of a DMARC aggregate report — RFC 7489 (and its drafts), RFC 9990 with or without its
 * namespace — with a real XML parser. Refuses (DmarcRefusal) bytes in the wrong encoding, XML that is
 * not well-formed (or carries a DTD) and documents that are not aggregate reports. Pure.
 */
export function parseAggregateReport(bytes: Uint8Array): AggregateReport {
  const xml = decodeXml(bytes).replace(/^\uFEFF/, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) refuse('INVALID_XML', 'The report carries a DTD; reports never do');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) refuse('INVALID_XML', `The report is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const doc = node(parser.parse(xml));
  if (!doc.feedback || typeof doc.feedback !== 'object') refuse('NOT_A_REPORT', 'The XML is not a DMARC aggregate report (no feedback element)');
  const feedback = node(doc.feedback);
  const meta = node(feedback.report_metadata);
  const range = node(meta.date_range);
  const published = node(feedback.policy_published);
  const records = (Array.isArray(feedback.record) ? feedback.record : []).map(record);
  const policy: PublishedPolicy = {
    domain: required(published.domain, 'policy_published/domain').toLowerCase(),
    p: required(published.p, 'policy_published/p').toLowerCase(),
    sp: optional(published.sp)?.toLowerCase() ?? null,
    np: optional(published.np)?.toLowerCase() ?? null,
    adkim: optional(published.adkim)?.toLowerCase() ?? null,
    aspf: optional(published.aspf)?.toLowerCase() ?? null,
    pct: optional(published.pct),
    fo: optional(published.fo),
    testing: optional(published.testing)?.toLowerCase() ?? null,
    discoveryMethod: optional(published.discovery_method)?.toLowerCase() ?? null,
  };
  const generator = optional(meta.generator);
  const dmarcBis = xml.includes(DMARC_2_NAMESPACE) || policy.np !== null || policy.testing !== null || policy.discoveryMethod !== null || generator !== null;
  return {
    format: dmarcBis ? 'RFC9990' : 'RFC7489',
    orgName: optional(meta.org_name) ?? '',
    email: required(meta.email, 'report_metadata/email').toLowerCase(),
    reportId: required(meta.report_id, 'report_metadata/report_id'),
    begin: epoch(range.begin, 'begin'),
    end: epoch(range.end, 'end'),
    generator,
    policy,
    records,
    messageCount: records.reduce((n, r) => n + r.count, 0),
  };
}
