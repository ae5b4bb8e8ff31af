import type { EntityManager } from '@mikro-orm/postgresql';
import { type EventRow, type NewEvent, toEventRow } from './event-row';

/** The channel a committing transaction notifies when it wrote events (payload: the last id only). */
export const EVENTS_CHANNEL = 'mailroom_events';

/** Advisory lock key that orders event writers, so ids are handed out in commit order. */
const EVENT_ORDER_LOCK = 4_242_001;

/** PostgreSQL text and jsonb cannot hold U+0000: what outside parties report (DSN diagnostics, MTA data) has it replaced. */
function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\0') ? value.replace(/\0/g, '\uFFFD') : value;
}

/**
 * The one write path of both event tables (activity and platform events share one id sequence):
 * takes the event-order lock, so ids follow commit order, then runs `insertSql` with `rows` as its one
 * JSON parameter (U+0000 replaced). Call it as the last statement of the writing transaction.
 */
export async function insertInCommitOrder(em: EntityManager, insertSql: string, rows: readonly object[]): Promise<Record<string, unknown>[]> {
  await em.execute('select pg_advisory_xact_lock(?)', [EVENT_ORDER_LOCK]);
  return em.execute<Record<string, unknown>[]>(insertSql, [JSON.stringify(rows, withoutNul)]);
}

const COLUMNS = 'id, occurred_at, type, account_id, message_id, tenant_id, domain_id, sender_identity_id, recipient, tags, data';

/**
 * Records events in one multi-row INSERT and queues one NOTIFY (ids only) for when the transaction
 * commits. Takes a transaction-scoped advisory lock first, so event ids follow commit order; call it
 * as the last statement of the writing transaction to hold the lock briefly. Runs in `em`'s
 * transaction, or opens one. Side effects: writes events; notifies listeners on commit.
 */
export async function insertEvents(em: EntityManager, events: readonly NewEvent[]): Promise<EventRow[]> {
  if (events.length === 0) return [];
  if (!em.isInTransaction()) return em.transactional((tx) => insertEvents(tx, events));
  const now = new Date();
  const rows = await insertInCommitOrder(
    em,
    `insert into activity_events (occurred_at, type, account_id, message_id, tenant_id, domain_id, sender_identity_id, template_id, recipient, tags, data)
     select occurred_at, type, account_id, message_id, tenant_id, domain_id, sender_identity_id, template_id, recipient, coalesce(tags, '{}'), coalesce(data, '{}')
     from jsonb_to_recordset(?::jsonb) as x(occurred_at timestamptz, type text, account_id uuid, message_id uuid, tenant_id uuid, domain_id uuid, sender_identity_id uuid, template_id uuid, recipient text, tags text[], data jsonb)
     returning ${COLUMNS}`,
    events.map((e) => ({
      occurred_at: (e.occurredAt ?? now).toISOString(),
      type: e.type,
      account_id: e.accountId,
      message_id: e.messageId,
      tenant_id: e.tenantId,
      domain_id: e.domainId,
      sender_identity_id: e.senderIdentityId,
      template_id: e.templateId ?? null,
      recipient: e.recipient,
      tags: e.tags,
      data: e.data,
    })),
  );
  const out = rows.map(toEventRow);
  await em.execute('select pg_notify(?, ?)', [EVENTS_CHANNEL, out.at(-1)!.id]);
  return out;
}

/** SQL of every event after id $1, oldest first, at most $2 rows — for the feed's own connection. No scope: the feed filters per subscriber. */
export const EVENTS_AFTER_SQL = `select ${COLUMNS} from activity_events where id > $1 order by id limit $2`;

/** The highest committed event id (0 when none). Safe as a starting point: uncommitted writers hold the order lock and will get higher ids. */
export async function lastEventId(em: EntityManager): Promise<string> {
  const [row] = await em.execute<{ max: string | null }[]>('select max(id)::text as max from activity_events');
  return row?.max ?? '0';
}

/** Creates the monthly event partitions from last month to three months ahead (idempotent). */
export async function ensureEventPartitions(em: EntityManager): Promise<void> {
  await em.getConnection().execute('select mailroom_ensure_event_partitions(1, 3)');
}
