import { simpleParser } from 'mailparser';
import { ActivityEventType } from '../../events/event-type';

/** One per-recipient block of a delivery status notification (RFC 3464 §2.3). */
export interface DsnRecipient {
  finalRecipient: string | null;
  originalRecipient: string | null;
  /** failed, delayed, delivered, relayed or expanded (lower case). */
  action: string | null;
  /** The enhanced status code (RFC 3463), e.g. `5.1.1`; taken from Diagnostic-Code when Status is missing. */
  status: string | null;
  diagnosticCode: string | null;
  remoteMta: string | null;
}

/** A bounce: a DSN (multipart/report; report-type=delivery-status). */
export interface BounceReport {
  kind: 'bounce';
  reportingMta: string | null;
  recipients: DsnRecipient[];
}

/** A complaint: an ARF feedback report (RFC 5965, multipart/report; report-type=feedback-report). */
export interface ComplaintReport {
  kind: 'complaint';
  feedbackType: string;
  userAgent: string | null;
  reportingMta: string | null;
  sourceIp: string | null;
  originalRcptTo: string[];
  arrivalDate: string | null;
}

/** What an inbound report says. */
export type InboundReport = BounceReport | ComplaintReport;

/** Header-style fields, grouped by blank lines, names lower-cased, folded lines joined, repeated fields kept in order. */
export type FieldGroup = Map<string, string[]>;

/** Splits a report body (message/delivery-status, message/feedback-report) into its field groups. Pure. */
export function parseFieldGroups(text: string): FieldGroup[] {
  const groups: FieldGroup[] = [];
  let group: FieldGroup | null = null;
  let last: { name: string; index: number } | null = null;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.trim() === '') {
      group = null;
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && group && last) {
      const values = group.get(last.name)!;
      values[last.index] = `${values[last.index]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!group) {
      group = new Map();
      groups.push(group);
    }
    const values = group.get(name) ?? [];
    values.push(line.slice(colon + 1).trim());
    group.set(name, values);
    last = { name, index: values.length - 1 };
  }
  return groups;
}

function first(group: FieldGroup | undefined, name: string): string | null {
  const v = group?.get(name)?.[0];
  return v ? v.slice(0, 1000) : null;
}

/** The address of a typed field (`rfc822; <Jane@Example.net>` → `jane@example.net`). */
function address(value: string | null): string | null {
  if (!value) return null;
  const semi = value.indexOf(';');
  const addr = (semi >= 0 ? value.slice(semi + 1) : value).trim().replace(/^<|>$/g, '').trim();
  return addr ? addr.toLowerCase() : null;
}

/** The enhanced status code of a Status field or, failing that, of the diagnostic text (or its basic SMTP code). */
function statusCode(status: string | null, diagnostic: string | null): string | null {
  const enhanced = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
  const m = (status && enhanced.exec(status)) || (diagnostic && enhanced.exec(diagnostic));
  if (m) return `${m[1]}.${m[2]}.${m[3]}`;
  const basic = diagnostic && /\b([45])\d\d\b/.exec(diagnostic);
  return basic ? `${basic[1]}.0.0` : null;
}

function dsnRecipient(group: FieldGroup): DsnRecipient {
  const diagnosticCode = first(group, 'diagnostic-code');
  return {
    finalRecipient: address(first(group, 'final-recipient')),
    originalRecipient: address(first(group, 'original-recipient')),
    action: first(group, 'action')?.toLowerCase().split(/[\s(]/)[0] ?? null,
    status: statusCode(first(group, 'status'), diagnosticCode),
    diagnosticCode,
    remoteMta: first(group, 'remote-mta'),
  };
}

/** Reads a message/delivery-status body: the per-message group, then one group per recipient. Pure. */
export function parseDeliveryStatus(text: string): BounceReport {
  const [perMessage, ...rest] = parseFieldGroups(text);
  const recipients = rest.filter((g) => g.has('final-recipient') || g.has('action')).map(dsnRecipient);
  return { kind: 'bounce', reportingMta: first(perMessage, 'reporting-mta'), recipients };
}

/** Reads a message/feedback-report body (RFC 5965 §3.1). Pure. */
export function parseFeedbackReport(text: string): ComplaintReport {
  const fields: FieldGroup = new Map();
  for (const g of parseFieldGroups(text)) for (const [k, v] of g) fields.set(k, [...(fields.get(k) ?? []), ...v]);
  return {
    kind: 'complaint',
    feedbackType: (first(fields, 'feedback-type') ?? 'abuse').toLowerCase(),
    userAgent: first(fields, 'user-agent'),
    reportingMta: first(fields, 'reporting-mta'),
    sourceIp: first(fields, 'source-ip'),
    originalRcptTo: (fields.get('original-rcpt-to') ?? [])
      .map(address)
      .filter((a): a is string => !!a)
      .slice(0, 50),
    arrivalDate: first(fields, 'arrival-date') ?? first(fields, 'received-date'),
  };
}

const DSN_TYPES = ['message/delivery-status', 'message/global-delivery-status'];

/**
 * Parses an inbound mail into a bounce (its message/delivery-status part) or a complaint (its
 * message/feedback-report part); null for anything else (auto-replies, plain-text bounces). Pure.
 */
export async function parseReport(raw: Buffer | string): Promise<InboundReport | null> {
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const dsn = mail.attachments.find((a) => DSN_TYPES.includes(a.contentType.toLowerCase()));
  if (dsn) return parseDeliveryStatus(dsn.content.toString('utf8'));
  const arf = mail.attachments.find((a) => a.contentType.toLowerCase() === 'message/feedback-report');
  if (arf) return parseFeedbackReport(arf.content.toString('utf8'));
  return null;
}

/** The event a DSN recipient block means: failed 5.x.x → HARD_BOUNCED; failed 4.x.x or delayed → SOFT_BOUNCED; else none. Pure. */
export function classifyDsnRecipient(r: Pick<DsnRecipient, 'action' | 'status'>): ActivityEventType.HARD_BOUNCED | ActivityEventType.SOFT_BOUNCED | null {
  if (r.action === 'delayed') return ActivityEventType.SOFT_BOUNCED;
  if (r.action !== 'failed') return null;
  return r.status?.startsWith('4') ? ActivityEventType.SOFT_BOUNCED : ActivityEventType.HARD_BOUNCED;
}

/** Feedback types that are not complaints: a "not spam" vote and authentication failure reports (RFC 6591). */
const NOT_COMPLAINTS = new Set(['not-spam', 'auth-failure']);

/** The event and details an inbound report records for the message sent to `recipient`, or null when it records none. Pure. */
export function reportEvent(report: InboundReport, recipient: string): { type: ActivityEventType; data: Record<string, unknown>; response: string | null } | null {
  if (report.kind === 'complaint') {
    if (NOT_COMPLAINTS.has(report.feedbackType)) return null;
    const { kind: _kind, ...data } = report;
    return { type: ActivityEventType.SPAM_COMPLAINT, data: { source: 'arf', ...data }, response: null };
  }
  const rcpt = recipient.toLowerCase();
  const actionable = report.recipients.filter((r) => classifyDsnRecipient(r) !== null);
  // A VERP address names one message and so one recipient; prefer its block, else the first that failed.
  const block = actionable.find((r) => r.finalRecipient === rcpt || r.originalRecipient === rcpt) ?? actionable[0];
  if (!block) return null;
  const data = { source: 'dsn', reportingMta: report.reportingMta, ...block };
  return { type: classifyDsnRecipient(block)!, data, response: block.diagnosticCode ?? block.status };
}
