import { DnsRecordKind, DnsRecordStatus } from '../domains/domain.types';

/** Overall health of a sending domain, worst reason first. */
export enum HealthStatus {
  HEALTHY = 'HEALTHY',
  WARNING = 'WARNING',
  CRITICAL = 'CRITICAL',
}

/**
 * The documented thresholds. Rates are fractions (0.003 = 0.3 %), over the last 7 days, judged only once
 * the domain sent (bounces) or delivered (complaints) at least `minVolume` messages: a handful of
 * messages says nothing about reputation.
 */
export const HEALTH_THRESHOLDS = {
  /** Complaints / delivered at or above this: CRITICAL (Gmail's and Yahoo's bulk-sender ceiling, 0.3 %). */
  complaintCritical: 0.003,
  /** Complaints / delivered at or above this: WARNING (the 0.1 % Gmail asks senders to stay under). */
  complaintWarning: 0.001,
  /** Hard bounces / sent above this: CRITICAL (5 %). */
  bounceCritical: 0.05,
  /** Hard bounces / sent above this: WARNING (2 %). */
  bounceWarning: 0.02,
  /** The fewest messages a rate is judged on. */
  minVolume: 100,
} as const;

/** What the health of a domain is judged from. */
export interface HealthInputs {
  /** The domain's DNS records as last checked. */
  records: readonly { kind: DnsRecordKind; required: boolean; status: DnsRecordStatus }[];
  /** The DMARC monitor's view, or null without a monitor. */
  dmarc: { recordValid: boolean } | null;
  /** Current blocklist listings: zone and listed address. */
  blocklist: readonly { zone: string; address: string }[];
  /** Last 7 days from the analytics rollups. */
  sent: number;
  delivered: number;
  hardBounced: number;
  complaints: number;
}

/** The verdict: status, the rates (null below the minimum volume's denominator of zero) and the reasons, most severe first. */
export interface HealthVerdict {
  status: HealthStatus;
  bounceRate7d: number | null;
  complaintRate7d: number | null;
  reasons: string[];
}

const pct = (x: number) => `${(Math.round(x * 10000) / 100).toString()} %`;

/** Judges a domain's health from its inputs against HEALTH_THRESHOLDS. Pure. */
export function judgeHealth(i: HealthInputs): HealthVerdict {
  const critical: string[] = [];
  const warning: string[] = [];
  for (const r of i.records) {
    if (r.status === DnsRecordStatus.VERIFIED || r.status === DnsRecordStatus.PENDING) continue;
    const text = `${r.kind} record ${r.status === DnsRecordStatus.MISSING ? 'is missing' : 'does not match'}`;
    if (r.required) critical.push(`Required ${text}`);
    else if (r.kind !== DnsRecordKind.DMARC) warning.push(`Optional ${text}`);
  }
  for (const h of i.blocklist) critical.push(`${h.address} is listed on ${h.zone}`);
  const dmarcRecord = i.records.find((r) => r.kind === DnsRecordKind.DMARC);
  const dmarcBad = i.dmarc ? !i.dmarc.recordValid : dmarcRecord !== undefined && (dmarcRecord.status === DnsRecordStatus.MISSING || dmarcRecord.status === DnsRecordStatus.MISMATCH);
  if (dmarcBad) warning.push('DMARC record is missing or invalid');
  const bounceRate7d = i.sent > 0 ? i.hardBounced / i.sent : null;
  const complaintRate7d = i.delivered > 0 ? i.complaints / i.delivered : null;
  const t = HEALTH_THRESHOLDS;
  if (complaintRate7d !== null && i.delivered >= t.minVolume) {
    if (complaintRate7d >= t.complaintCritical) critical.push(`Complaint rate ${pct(complaintRate7d)} over 7 days is at or above ${pct(t.complaintCritical)}`);
    else if (complaintRate7d >= t.complaintWarning) warning.push(`Complaint rate ${pct(complaintRate7d)} over 7 days is at or above ${pct(t.complaintWarning)}`);
  }
  if (bounceRate7d !== null && i.sent >= t.minVolume) {
    if (bounceRate7d > t.bounceCritical) critical.push(`Bounce rate ${pct(bounceRate7d)} over 7 days is above ${pct(t.bounceCritical)}`);
    else if (bounceRate7d > t.bounceWarning) warning.push(`Bounce rate ${pct(bounceRate7d)} over 7 days is above ${pct(t.bounceWarning)}`);
  }
  const status = critical.length > 0 ? HealthStatus.CRITICAL : warning.length > 0 ? HealthStatus.WARNING : HealthStatus.HEALTHY;
  return { status, bounceRate7d, complaintRate7d, reasons: [...critical, ...warning] };
}
