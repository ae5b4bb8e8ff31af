import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../../lib/ids';
import type { AggregateReport } from './parse-report';
import type { DmarcReportSource } from './dmarc.enums';

/** Who a stored report belongs to. */
export interface ReportOwner {
  accountId: string;
  tenantId: string | null;
  domainId: string;
  monitorId: string;
}

/**
 * Inserts a report and its rows unless the monitor already has one of the same (org, e-mail, report
 * id): returns the new report's id, or null for a duplicate (nothing written). The rows go in one
 * statement. No scope: for the ingestion path, which has found the monitor already. Side effects: writes.
 */
export async function insertReport(em: EntityManager, owner: ReportOwner, report: AggregateReport, source: DmarcReportSource, filename: string | null): Promise<string | null> {
  const id = uuidv7();
  const inserted = await em.execute<{ id: string }[]>(
    `insert into dmarc_reports (id, created_at, updated_at, account_id, tenant_id, domain_id, monitor_id, org_name, email, report_id, begin_at, end_at, format, source, filename, policy_published, message_count, record_count)
     values (?, now(), now(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
     on conflict (monitor_id, org_name, email, report_id) do nothing returning id`,
    [
      id,
      owner.accountId,
      owner.tenantId,
      owner.domainId,
      owner.monitorId,
      report.orgName,
      report.email,
      report.reportId,
      report.begin.toISOString(),
      report.end.toISOString(),
      report.format,
      source,
      filename,
      JSON.stringify(report.policy),
      report.messageCount,
      report.records.length,
    ],
  );
  if (inserted.length === 0) return null;
  if (report.records.length === 0) return id;
  const rows = report.records.map((r) => ({
    id: uuidv7(),
    source_ip: r.sourceIp,
    count: r.count,
    disposition: r.disposition,
    dkim_aligned: r.dkimAligned,
    spf_aligned: r.spfAligned,
    header_from: r.headerFrom,
    envelope_from: r.envelopeFrom,
    auth_results: { dkim: r.dkim, spf: r.spf, reasons: r.reasons },
  }));
  await em.execute(
    `insert into dmarc_report_records (id, created_at, updated_at, account_id, tenant_id, domain_id, monitor_id, report_id, begin_at, source_ip, count, disposition, dkim_aligned, spf_aligned, header_from, envelope_from, auth_results)
     select x.id, now(), now(), ?, ?, ?, ?, ?, ?, x.source_ip, x.count, x.disposition, x.dkim_aligned, x.spf_aligned, x.header_from, x.envelope_from, x.auth_results
     from jsonb_to_recordset(?::jsonb) as x(id uuid, source_ip text, count int, disposition text, dkim_aligned boolean, spf_aligned boolean, header_from text, envelope_from text, auth_results jsonb)`,
    [owner.accountId, owner.tenantId, owner.domainId, owner.monitorId, id, report.begin.toISOString(), JSON.stringify(rows)],
  );
  return id;
}
