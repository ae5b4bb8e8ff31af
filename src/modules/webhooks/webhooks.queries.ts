import type { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared } from '../../db/raw-params.queries';
import { toEventRow } from '../../events/event-row';
import { type StreamEvent, toPlatformEventRow } from '../../events/platform-events.queries';

const ACTIVITY = 'id, occurred_at, type, account_id, message_id, tenant_id, domain_id, sender_identity_id, recipient, tags, data, null::uuid as subject_id, false as platform';
const PLATFORM =
  'id, occurred_at, type, account_id, null::uuid as message_id, tenant_id, domain_id, sender_identity_id, null::text as recipient, null::text[] as tags, data, subject_id, true as platform';

/**
 * The next events of one account that occurred in [from, to), after stream id `afterId`, oldest
 * first, activity and platform events merged in id order (for a replay). Scoped to the account in
 * SQL; the caller keeps to its webhook's scope (webhookReceives).
 */
export async function accountEventsBetween(em: EntityManager, accountId: string, from: Date, to: Date, afterId: string, limit: number): Promise<StreamEvent[]> {
  const where = 'account_id = ? and id > ? and occurred_at >= ? and occurred_at < ?';
  const args = [accountId, afterId, from, to];
  const rows = await em.execute<Record<string, unknown>[]>(
    `select * from ((select ${ACTIVITY} from activity_events where ${where} order by id limit ?)
       union all (select ${PLATFORM} from platform_events where ${where} order by id limit ?)) x
     order by id limit ?`,
    [...args, limit, ...args, limit, limit],
  );
  return rows.map((r) => (r.platform ? toPlatformEventRow(r) : toEventRow(r)));
}

/** Deletes delivery records created before `before`, at most `limit` per call; returns how many. Side effect: deletes. */
export async function deleteDeliveriesBefore(em: EntityManager, before: Date, limit: number): Promise<number> {
  const rows = await em.execute<{ n: number }[]>(
    `with gone as (delete from webhook_deliveries where id in (select id from webhook_deliveries where created_at < ? limit ?) returning 1) select count(*)::int as n from gone`,
    [before, limit],
  );
  return rows[0]?.n ?? 0;
}

/** A new delivery row, as the fan-out builds it. */
export interface NewDeliveryRow {
  id: string;
  account_id: string;
  webhook_id: string;
  tenant_id: string | null;
  domain_id: string | null;
  event_id: string;
  event_type: string;
  message_id: string;
  url: string;
  body: string;
}

/** Inserts PENDING deliveries due `now` in one statement (in `em`'s transaction; prepared: the fan-out runs it for every batch). Side effect: write. */
export async function insertDeliveries(em: EntityManager, rows: readonly NewDeliveryRow[], now: Date): Promise<void> {
  await executePrepared(
    em,
    'webhook-insert-deliveries',
    `insert into webhook_deliveries (id, created_at, updated_at, account_id, webhook_id, tenant_id, domain_id, event_id, event_type, status, attempts, schedule_step, next_attempt_at, message_id, url, body)
     select id, $1, $1, account_id, webhook_id, tenant_id, domain_id, event_id, event_type, 'PENDING', 0, 0, $1, message_id, url, body
     from jsonb_to_recordset($2::jsonb) as x(id uuid, account_id uuid, webhook_id uuid, tenant_id uuid, domain_id uuid, event_id bigint, event_type text, message_id text, url text, body text)`,
    [now, JSON.stringify(rows)],
  );
}
