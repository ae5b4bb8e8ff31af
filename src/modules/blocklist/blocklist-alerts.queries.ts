import type { EntityManager } from '@mikro-orm/postgresql';
import { insertInCommitOrder } from '../../events/events.queries';
import type { BlocklistAlertKind } from './blocklist.enums';

/** An alert to record. */
export interface NewAlert {
  id: string;
  accountId: string;
  tenantId: string | null;
  domainId: string | null;
  monitorId: string;
  kind: BlocklistAlertKind;
  address: string;
  zone: string;
  returnCodes: string[];
  reason: string | null;
  occurredAt: Date;
}

/**
 * Writes alerts in one INSERT under the event-order lock (the one global serialisation, shared with
 * the event tables — not a second one), so their `seq` follows commit order and a subscriber reading
 * "after seq N" never skips one that commits late. Call it as the last statement of the transaction.
 * Side effect: writes.
 */
export async function insertAlerts(em: EntityManager, alerts: readonly NewAlert[]): Promise<void> {
  if (alerts.length === 0) return;
  await insertInCommitOrder(
    em,
    `insert into blocklist_alerts (id, created_at, updated_at, seq, account_id, tenant_id, domain_id, monitor_id, kind, address, zone, return_codes, reason, occurred_at)
     select id, occurred_at, occurred_at, nextval('blocklist_alerts_seq'), account_id, tenant_id, domain_id, monitor_id, kind, address, zone, return_codes, reason, occurred_at
     from jsonb_to_recordset(?::jsonb) as x(id uuid, account_id uuid, tenant_id uuid, domain_id uuid, monitor_id uuid, kind text, address text, zone text, return_codes text[], reason text, occurred_at timestamptz)
     returning id`,
    alerts.map((a) => ({
      id: a.id,
      account_id: a.accountId,
      tenant_id: a.tenantId,
      domain_id: a.domainId,
      monitor_id: a.monitorId,
      kind: a.kind,
      address: a.address,
      zone: a.zone,
      return_codes: a.returnCodes,
      reason: a.reason,
      occurred_at: a.occurredAt.toISOString(),
    })),
  );
}
