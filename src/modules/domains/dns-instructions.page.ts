import { escapeHtml } from '../../http/routes';
import type { Domain } from './domain.entity';
import { type DnsRecord, DnsRecordKind } from './domain.types';

const PURPOSE: Record<DnsRecordKind, string> = {
  [DnsRecordKind.SPF]: 'SPF: authorises our servers to send for the domain',
  [DnsRecordKind.DKIM]: 'DKIM: the public key that signs the mail',
  [DnsRecordKind.RETURN_PATH]: 'Return-Path: receives bounces',
  [DnsRecordKind.TRACKING]: 'Tracking: links and opens (optional)',
  [DnsRecordKind.INBOUND_MX]: 'Inbound mail (optional)',
  [DnsRecordKind.DMARC]: 'DMARC: the policy receivers apply, and where they send reports (optional)',
};

/** The public view of one record: what to publish and the last check's outcome. No key material. */
export interface PublicRecord {
  kind: DnsRecordKind;
  type: string;
  hostname: string;
  value: string;
  priority: number | null;
  required: boolean;
  status: string;
  note: string | null;
  suggestedValue: string | null;
}

/** The JSON body of a DNS instructions link. */
export function instructionsJson(domain: Domain): { domain: { name: string; status: string; lastCheckedAt: string | null }; records: PublicRecord[] } {
  const records = domain.dnsRecords.map((r: DnsRecord) => ({
    kind: r.kind,
    type: r.type,
    hostname: r.hostname,
    value: r.value,
    priority: r.priority,
    required: r.required,
    status: r.status,
    note: r.note,
    suggestedValue: r.suggestedValue,
  }));
  return { domain: { name: domain.name, status: domain.status, lastCheckedAt: domain.lastCheckedAt?.toISOString() ?? null }, records };
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.5rem;text-align:left;vertical-align:top}
code{word-break:break-all;font-size:13px}.s-VERIFIED{color:#176f2c}.s-MISSING,.s-MISMATCH{color:#a4161a}.muted{color:#666}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function row(r: PublicRecord): string {
  const extra = [r.note ? `<div class="muted">${escapeHtml(r.note)}</div>` : '', r.suggestedValue ? `<div>Publish instead: <code>${escapeHtml(r.suggestedValue)}</code></div>` : ''].join('');
  return `<tr><td>${escapeHtml(PURPOSE[r.kind] ?? r.kind)}${r.required ? '' : ' <span class="muted">(optional)</span>'}</td><td>${escapeHtml(r.type)}</td><td><code>${escapeHtml(r.hostname)}</code></td><td><code>${escapeHtml(r.value)}</code>${extra}</td><td>${r.priority === null ? '' : escapeHtml(String(r.priority))}</td><td class="s-${escapeHtml(r.status)}">${escapeHtml(r.status)}</td></tr>`;
}

/** The HTML page of a DNS instructions link, everything escaped. */
export function instructionsHtml(domain: Domain, expiresAt: Date): string {
  const { records } = instructionsJson(domain);
  const checked = domain.lastCheckedAt ? `last checked ${escapeHtml(domain.lastCheckedAt.toISOString())}` : 'not checked yet';
  return page(
    `DNS records for ${domain.name}`,
    `<h1>DNS records for <code>${escapeHtml(domain.name)}</code></h1>
<p>Publish these records in the DNS zone of <code>${escapeHtml(domain.name)}</code>. Status: <strong>${escapeHtml(domain.status)}</strong> (${checked}).</p>
<p class="muted">Some DNS providers need TXT values longer than 255 characters split into several quoted strings. This link is read-only and works until ${escapeHtml(expiresAt.toISOString())}.</p>
<table><thead><tr><th>Purpose</th><th>Type</th><th>Host</th><th>Value</th><th>Priority</th><th>Last status</th></tr></thead>
<tbody>${records.map(row).join('\n')}</tbody></table>`,
  );
}

/** The page for a bad, expired or revoked link: says nothing about any domain. */
export function invalidLinkHtml(): string {
  return page('Link not valid', '<h1>This link is not valid</h1><p>It may have expired or been mistyped. Ask for a new link.</p>');
}
