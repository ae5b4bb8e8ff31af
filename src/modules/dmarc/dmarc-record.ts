import type { EntityManager } from '@mikro-orm/postgresql';
import type { DnsLookup } from '../../context';
import { dmarcRecordOf } from '../domains/dns/expected-records';
import { checkOneRecord } from '../domains/dns/lookup';
import type { Domain } from '../domains/domain.entity';
import type { DmarcMonitor } from './dmarc-monitor.entity';

/**
 * Checks a domain's published DMARC record against what its monitor wants (one DNS lookup), stores the
 * outcome on the monitor and makes the monitor's record the domain's expected DMARC record (with the
 * check's result). Both are persisted in `em`; the caller flushes. Side effects: DNS.
 */
export async function checkMonitorRecord(em: EntityManager, dns: DnsLookup, mailDomain: string, now: Date, monitor: DmarcMonitor, domain: Domain): Promise<void> {
  const wanted = monitor.wantedRecord(mailDomain);
  const expected = dmarcRecordOf({ name: domain.name, dmarcRecord: wanted });
  const checked = await checkOneRecord(dns, expected, mailDomain);
  monitor.applyCheck(checked, now);
  domain.setDmarcRecord(wanted, checked, expected);
  em.persist([monitor, domain]);
}
