import type { EntityManager } from '@mikro-orm/postgresql';
import { boundedPartitions, type Partition } from '../../db/partitions.queries';
import { RETENTION_LIMITS } from '../tenants/retention-policy';

/** Retention days of mail that belongs to no tenant (the agency's own): the tenants' default. */
export const AGENCY_RETENTION_DAYS = RETENTION_LIMITS.default;

/** Messages still in flight (their content is needed to send them): never cleared nor deleted by retention. */
const IN_FLIGHT = `('SCHEDULED', 'QUEUED', 'DEFERRED')`;
const DAY = 86_400_000;

/** One owner of messages with its retention: a tenant, or an account's own mail (`tenantId` null). */
export interface RetentionOwner {
  accountId: string;
  tenantId: string | null;
  retentionDays: number;
  contentRetentionDays: number | null;
}

/** Every tenant of every account with its retention, and each account's own mail at the agency default. System-wide read. */
export async function retentionOwners(em: EntityManager): Promise<RetentionOwner[]> {
  const rows = await em.execute<{ account_id: string; tenant_id: string | null; retention_days: number; content_retention_days: number | null }[]>(
    `select t.account_id, t.id as tenant_id, t.retention_days, t.content_retention_days from tenants t
     union all select a.id, null, ?, null from accounts a
     order by 1, 2 nulls first`,
    [AGENCY_RETENTION_DAYS],
  );
  return rows.map((r) => ({ accountId: r.account_id, tenantId: r.tenant_id, retentionDays: r.retention_days, contentRetentionDays: r.content_retention_days }));
}

const ownerWhere = (o: RetentionOwner) => (o.tenantId ? 'm.account_id = ? and m.tenant_id = ?' : 'm.account_id = ? and m.tenant_id is null');
const ownerParams = (o: RetentionOwner) => (o.tenantId ? [o.accountId, o.tenantId] : [o.accountId]);

/**
 * Clears the content (subject, html, text, raw, variables, headers, attachments) of up to `limit` of the owner's
 * messages created before `before`, walking them in (created_at, id) order from `after`; returns how
 * many it cleared and where the walk stopped (null: done). Messages in flight are skipped. Writes.
 */
export async function clearContentBatch(
  em: EntityManager,
  o: RetentionOwner,
  before: Date,
  after: { at: string; id: string } | null,
  limit: number,
): Promise<{ cleared: number; next: { at: string; id: string } | null }> {
  const keyset = after ? 'and (m.created_at, m.id) > (?::timestamptz, ?::uuid)' : '';
  const rows = await em.execute<{ n: string; cleared: string; last_at: string | null; last_id: string | null }[]>(
    `with batch as (
       select m.id, m.created_at from messages m where ${ownerWhere(o)} and m.created_at < ? ${keyset}
       order by m.created_at, m.id limit ?),
     upd as (
       update messages m set subject = null, html = null, text = null, raw = null, variables = null, headers = '{}'::jsonb
       from batch b where m.id = b.id and m.status not in ${IN_FLIGHT}
         and (m.subject is not null or m.html is not null or m.text is not null or m.raw is not null or m.variables is not null or m.headers <> '{}'::jsonb)
       returning m.id),
     files as (
       delete from message_attachments a using batch b, messages m
       where a.message_id = b.id and m.id = b.id and m.status not in ${IN_FLIGHT}),
     last as (select created_at::text as at, id::text as id from batch order by created_at desc, id desc limit 1)
     select (select count(*) from batch) as n, (select count(*) from upd) as cleared, (select at from last) as last_at, (select id from last) as last_id`,
    [...ownerParams(o), before.toISOString(), ...(after ? [after.at, after.id] : []), limit],
  );
  const r = rows[0];
  return { cleared: Number(r.cleared), next: Number(r.n) < limit || !r.last_at ? null : { at: r.last_at, id: r.last_id! } };
}

/**
 * Deletes up to `limit` of the owner's messages created before `before` (oldest first, never one in
 * flight); their events go with them (the foreign key cascades). Returns how many. Writes.
 */
export async function deleteMessagesBatch(em: EntityManager, o: RetentionOwner, before: Date, limit: number): Promise<number> {
  const rows = await em.execute<{ n: string }[]>(
    `with gone as (delete from messages where id in (
       select m.id from messages m where ${ownerWhere(o)} and m.created_at < ? and m.status not in ${IN_FLIGHT} order by m.created_at limit ?)
     returning 1) select count(*) as n from gone`,
    [...ownerParams(o), before.toISOString(), limit],
  );
  return Number(rows[0].n);
}

/** A monthly partition of activity_events with its upper bound (exclusive). */
export type EventPartition = Partition;

/** The bounded monthly partitions of activity_events (not the default one), oldest first. */
export function eventPartitions(em: EntityManager): Promise<EventPartition[]> {
  return boundedPartitions(em, 'activity_events');
}

/**
 * Drops one partition of activity_events in a transaction of its own, waiting at most 5 s for the
 * table lock (a busy table is tried again the next day, its rows deleted meanwhile); returns how many
 * rows went with it, or null when the lock was not granted. Writes (DDL).
 */
export async function dropEventPartition(em: EntityManager, p: EventPartition): Promise<number | null> {
  if (!/^activity_events_\d{4}_\d{2}$/.test(p.name)) throw new Error(`not an event partition: ${p.name}`);
  try {
    return await em.transactional(async (tx) => {
      await tx.execute(`set local lock_timeout = '5s'`);
      const [{ n }] = await tx.execute<{ n: string }[]>(`select count(*) as n from "${p.name}"`);
      await tx.execute(`drop table "${p.name}"`);
      return Number(n);
    });
  } catch (e) {
    if ((e as { code?: string }).code === '55P03') return null;
    throw e;
  }
}

/** The id range of events that occurred before `before` (null: none). */
export async function oldEventIdRange(em: EntityManager, before: Date): Promise<{ lo: bigint; hi: bigint } | null> {
  const [r] = await em.execute<{ lo: string | null; hi: string | null }[]>(`select min(id)::text as lo, max(id)::text as hi from activity_events where occurred_at < ?`, [before.toISOString()]);
  return r.lo === null || r.hi === null ? null : { lo: BigInt(r.lo), hi: BigInt(r.hi) };
}

/**
 * Deletes the events with ids in [lo, hi) that are older than their own tenant's retention (the agency
 * default for events of no tenant) as of `now`; `before` is the newest cutoff of any owner (prunes
 * partitions). Returns how many. Writes.
 */
export async function deleteEventsWindow(em: EntityManager, now: Date, before: Date, lo: bigint, hi: bigint): Promise<number> {
  const rows = await em.execute<{ n: string }[]>(
    `with gone as (delete from activity_events e
       where e.id >= ? and e.id < ? and e.occurred_at < ?
         and e.occurred_at < ?::timestamptz - make_interval(days => coalesce((select t.retention_days from tenants t where t.id = e.tenant_id), ?))
       returning 1) select count(*) as n from gone`,
    [lo.toString(), hi.toString(), before.toISOString(), now.toISOString(), AGENCY_RETENTION_DAYS],
  );
  return Number(rows[0].n);
}

/** `now` minus whole days. Pure. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY);
}
