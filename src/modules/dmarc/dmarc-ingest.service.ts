import type { EntityManager } from '@mikro-orm/postgresql';
import { insertPlatformEvents } from '../../events/platform-events.queries';
import { toGlobalId } from '../../graphql/global-id';
import type { DmarcMonitor } from './dmarc-monitor.entity';
import { DmarcReport } from './dmarc-report.entity';
import type { DmarcReportSource } from './dmarc.enums';
import { insertReport } from './dmarc-writes.queries';
import { type AggregateReport, parseAggregateReport } from './parse-report';
import { refuse } from './refusal';
import { unpackReport } from './unpack';

/** A report filed under a monitor: the stored row, and whether it was already there. */
export interface FiledReport {
  report: DmarcReport;
  duplicate: boolean;
}

/** Whether a report's policy domain is the monitor's domain or one of its subdomains. Pure. */
export function coversDomain(monitorDomain: string, policyDomain: string): boolean {
  const d = policyDomain.toLowerCase().replace(/\.$/, '');
  return d === monitorDomain || d.endsWith(`.${monitorDomain}`);
}

/**
 * Unpacks, parses and files a report under `monitor` (loaded by the caller, in its scope or by its rua
 * token): refused (DmarcRefusal) when it is not a report, too large once decompressed, or about another
 * domain than the monitor's. Stored once per (reporter org, reporter e-mail, report id): a duplicate
 * returns the stored report and writes nothing. A new report records DMARC_REPORT_RECEIVED in the same
 * transaction (webhooks). Side effects: writes, a NOTIFY on commit.
 */
export async function fileReport(em: EntityManager, monitor: DmarcMonitor, bytes: Uint8Array, source: DmarcReportSource, filename: string | null, maxBytes: number): Promise<FiledReport> {
  const parsed = parseAggregateReport(unpackReport(bytes, maxBytes));
  const domain = await monitor.domain.loadOrFail();
  if (!coversDomain(domain.name, parsed.policy.domain)) refuse('DOMAIN_MISMATCH', `The report is about ${parsed.policy.domain}, not ${domain.name}`);
  const owner = { accountId: monitor.account.id, tenantId: monitor.tenant?.id ?? null, domainId: domain.id, monitorId: monitor.id };
  const id = await em.transactional(async (tx) => {
    const inserted = await insertReport(tx, owner, parsed, source, filename);
    if (inserted) await insertPlatformEvents(tx, [{ ...eventOf(owner, inserted, parsed), type: 'DMARC_REPORT_RECEIVED' }]);
    return inserted;
  });
  const key = { monitor: monitor.id, orgName: parsed.orgName, email: parsed.email, reportId: parsed.reportId };
  const report = await em.fork().findOneOrFail(DmarcReport, id ? { id } : key);
  return { report, duplicate: id === null };
}

function eventOf(owner: { accountId: string; tenantId: string | null; domainId: string; monitorId: string }, reportUuid: string, r: AggregateReport) {
  const failed = r.records.reduce((n, x) => (x.dkimAligned || x.spfAligned ? n : n + x.count), 0);
  return {
    accountId: owner.accountId,
    tenantId: owner.tenantId,
    domainId: owner.domainId,
    senderIdentityId: null,
    subjectId: reportUuid,
    data: {
      monitorId: toGlobalId('DmarcMonitor', owner.monitorId),
      orgName: r.orgName,
      email: r.email,
      externalReportId: r.reportId,
      policyDomain: r.policy.domain,
      beginAt: r.begin.toISOString(),
      endAt: r.end.toISOString(),
      messageCount: r.messageCount,
      dmarcFailCount: failed,
    },
  };
}
