import { Permission } from '../../auth/permissions';
import { rowScope } from '../../auth/scope';
import { type Context, type DnsLookup, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { type Page, type PageArgs, paginate } from '../../graphql/pagination';
import { countryOf } from '../tracking/client-info';
import type { Domain } from '../domains/domain.entity';
import { dmarcTags } from '../domains/dns/check-records';
import { fileReport, type FiledReport } from './dmarc-ingest.service';
import { DmarcMonitor } from './dmarc-monitor.entity';
import { loadMonitor } from './dmarc-monitor.service';
import { DmarcReport } from './dmarc-report.entity';
import { DmarcDisposition, DmarcPolicy, DmarcReportSource } from './dmarc.enums';
import type { UploadDmarcReportInput } from './dmarc.inputs';
import { alignmentTotals, type DmarcRange, reporterRows, type SourceRow, sourceRows } from './dmarc.queries';
import type { DmarcMonitorSummary, DmarcRecommendation, DmarcReportSummary, DmarcSource } from './dmarc.types';
import { DmarcRefusal } from './refusal';

/** Limits of the report API. */
export const DMARC_LIMITS = { rangeDays: 366, rows: 1000, defaultRows: 100, reverseLookups: 25, reverseConcurrency: 5, reverseTimeoutMs: 1500, filename: 255 };
/** The share of aligned messages over 30 days at which the next policy step is recommended. */
export const ALIGNED_THRESHOLD = 0.98;
const DAY = 86400_000;

/**
 * Files an uploaded report under a monitor in scope (DMARC_MANAGE). BAD_USER_INPUT on `contentBase64`
 * (with `extensions.reason`: INVALID_XML, WRONG_ENCODING, NOT_A_REPORT, TOO_LARGE, CORRUPT_ARCHIVE,
 * DOMAIN_MISMATCH) for what is not a report of the monitor's domain; a duplicate changes nothing.
 */
export async function uploadDmarcReport(ctx: Context, input: UploadDmarcReportInput): Promise<FiledReport> {
  requirePermission(ctx, Permission.DMARC_MANAGE);
  const monitor = await loadMonitor(ctx, input.monitorId, 'monitorId');
  const filename = input.filename.trim();
  if (!filename || filename.length > DMARC_LIMITS.filename) throw badInput('filename', `filename must be 1 to ${DMARC_LIMITS.filename} characters`);
  const b64 = input.contentBase64.replace(/\s+/g, '');
  if (!b64 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) throw badInput('contentBase64', 'contentBase64 is not base64', { reason: 'NOT_BASE64' });
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length > ctx.config.dmarcMaxReportBytes) throw badInput('contentBase64', `The file is larger than ${ctx.config.dmarcMaxReportBytes} bytes`, { reason: 'TOO_LARGE' });
  try {
    return await fileReport(ctx.em, monitor, bytes, DmarcReportSource.UPLOAD, filename, ctx.config.dmarcMaxReportBytes);
  } catch (e) {
    if (e instanceof DmarcRefusal) throw badInput('contentBase64', e.message, { reason: e.reason });
    throw e;
  }
}

/** A page of a monitor's reports, newest period first by id order (DMARC_READ). */
export async function monitorReports(ctx: Context, monitor: DmarcMonitor, args: PageArgs): Promise<Page<DmarcReport>> {
  requirePermission(ctx, Permission.DMARC_READ);
  return paginate(ctx.em, DmarcReport, { monitor: monitor.id }, args);
}

/** The policy a monitor's last record check found published; null when none was found. Pure. */
export function publishedPolicy(monitor: Pick<DmarcMonitor, 'currentRecord'>): DmarcPolicy | null {
  const p = monitor.currentRecord ? dmarcTags(monitor.currentRecord).get('p')?.toUpperCase() : undefined;
  return p && p in DmarcPolicy ? (p as DmarcPolicy) : null;
}

/** The next policy step: one up when at least ALIGNED_THRESHOLD of the messages pass; stay otherwise. Pure. */
export function recommend(current: DmarcPolicy, messages: number, aligned: number): DmarcRecommendation {
  const rate = messages > 0 ? aligned / messages : null;
  const next = current === DmarcPolicy.NONE ? DmarcPolicy.QUARANTINE : DmarcPolicy.REJECT;
  const pct = (x: number) => `${(Math.floor(x * 1000) / 10).toFixed(1)} %`;
  if (rate === null) return { currentPolicy: current, policy: current, messages, alignedRate: null, reason: 'No reports in the last 30 days: keep the policy until reports arrive.' };
  if (rate < ALIGNED_THRESHOLD) {
    return {
      currentPolicy: current,
      policy: current,
      messages,
      alignedRate: rate,
      reason: `${pct(rate)} of messages passed DMARC in the last 30 days; fix the failing sources before tightening (98 % needed).`,
    };
  }
  if (current === DmarcPolicy.REJECT) return { currentPolicy: current, policy: current, messages, alignedRate: rate, reason: `${pct(rate)} passed DMARC: the strictest policy is in place.` };
  return { currentPolicy: current, policy: next, messages, alignedRate: rate, reason: `${pct(rate)} of messages passed DMARC in the last 30 days: move to p=${next.toLowerCase()}.` };
}

async function reverseName(dns: DnsLookup, ip: string): Promise<string | null> {
  if (!dns.reverse) return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), DMARC_LIMITS.reverseTimeoutMs)));
  try {
    const names = await Promise.race([dns.reverse(ip).catch(() => [] as string[]), timeout]);
    return names?.[0]?.replace(/\.$/, '') ?? null;
  } finally {
    clearTimeout(timer);
  }
}

/** Country (offline) and reverse DNS (the busiest sources only, a few at a time, each with a timeout) of source rows. */
async function describeSources(dns: DnsLookup, rows: SourceRow[]): Promise<DmarcSource[]> {
  const names = new Map<string, string | null>();
  const todo = rows.slice(0, DMARC_LIMITS.reverseLookups).map((r) => r.ip);
  const workers = Array.from({ length: DMARC_LIMITS.reverseConcurrency }, async () => {
    for (let ip = todo.shift(); ip !== undefined; ip = todo.shift()) names.set(ip, await reverseName(dns, ip));
  });
  await Promise.all(workers);
  return Promise.all(rows.map(async (r) => ({ ...r, disposition: r.disposition.toUpperCase() as DmarcDisposition, country: await countryOf(r.ip), reverseDns: names.get(r.ip) ?? null })));
}

function rangeOf(monitor: DmarcMonitor, from: Date, to: Date): DmarcRange {
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw badInput('from', 'from must be a date-time');
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw badInput('to', 'to must be a date-time');
  if (to.getTime() <= from.getTime()) throw badInput('to', 'to must be after from');
  if (to.getTime() - from.getTime() > DMARC_LIMITS.rangeDays * DAY) throw badInput('to', `The range may span at most ${DMARC_LIMITS.rangeDays} days`);
  return { monitorId: monitor.id, from, to };
}

/**
 * What a monitor's reports say over [from, to) (DMARC_READ): per source IP (busiest `first`), per
 * reporter, the unauthorised senders and the policy recommendation from the last 30 days. Every read
 * applies the caller's scope in its SQL. Side effects: reverse DNS lookups (bounded).
 */
export async function monitorReportSummary(ctx: Context, monitor: DmarcMonitor, from: Date, to: Date, first: number | null | undefined): Promise<DmarcReportSummary> {
  const scope = rowScope(requirePermission(ctx, Permission.DMARC_READ));
  const range = rangeOf(monitor, from, to);
  const limit = first ?? DMARC_LIMITS.defaultRows;
  if (!Number.isInteger(limit) || limit < 1 || limit > DMARC_LIMITS.rows) throw badInput('first', `first must be from 1 to ${DMARC_LIMITS.rows}`);
  const now = ctx.deps.clock.now();
  const [sources, reporters, totals, last30] = await Promise.all([
    sourceRows(ctx.em, scope, range, limit),
    reporterRows(ctx.em, scope, range),
    alignmentTotals(ctx.em, scope, range),
    alignmentTotals(ctx.em, scope, { monitorId: monitor.id, from: new Date(now.getTime() - 30 * DAY), to: now }),
  ]);
  const rows = await describeSources(ctx.deps.dns, sources.rows);
  return {
    from,
    to,
    messages: totals.messages,
    sourceCount: sources.total,
    rows,
    sources: reporters,
    unauthorizedSenders: rows.filter((r) => r.dmarcPass === 0 && r.dmarcFail > 0),
    recommendation: recommend(publishedPolicy(monitor) ?? DmarcPolicy.NONE, last30.messages, last30.aligned),
  };
}

/**
 * The DMARC monitor summary of a domain in scope (DMARC_READ), for the domain's health view: null when
 * the domain has no monitor. The 30-day figures come from scoped SQL.
 */
export async function dmarcSummaryOfDomain(ctx: Context, domain: Pick<Domain, 'id'>): Promise<DmarcMonitorSummary | null> {
  const scope = rowScope(requirePermission(ctx, Permission.DMARC_READ));
  const monitor = await ctx.em.findOne(DmarcMonitor, { domain: domain.id });
  if (!monitor) return null;
  const now = ctx.deps.clock.now();
  const last30 = await alignmentTotals(ctx.em, scope, { monitorId: monitor.id, from: new Date(now.getTime() - 30 * DAY), to: now });
  return monitorSummary(monitor, last30);
}

/** A monitor's summary from its last 30 days' message and aligned counts (read in the caller's scope). Pure. */
export function monitorSummary(monitor: DmarcMonitor, last30: { messages: number; aligned: number }): DmarcMonitorSummary {
  const current = publishedPolicy(monitor) ?? DmarcPolicy.NONE;
  const step = recommend(current, last30.messages, last30.aligned);
  return {
    monitorId: monitor.gid,
    recordValid: monitor.recordValid,
    wantedPolicy: monitor.wantedPolicy,
    currentPolicy: current,
    lastCheckedAt: monitor.lastCheckedAt,
    messages30d: last30.messages,
    alignedRate30d: step.alignedRate,
    recommendedPolicy: step.policy,
  };
}
