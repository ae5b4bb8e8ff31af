import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../../lib/ids';
import { ON_HOLD_LIMITS } from '../tenants/on-hold-policy';
import type { ChangedEntry } from './suppressions.queries';

/** One soft bounce to count. */
export interface SoftBounceRow {
  accountId: string;
  domainId: string;
  tenantId: string | null;
  senderIdentityId: string | null;
  recipient: string;
  eventId: string;
  occurredAt: Date;
}

/** Adds one tally row per soft bounce (in one statement). Side effect: writes in `em`'s transaction. */
export async function insertSoftBounces(em: EntityManager, rows: readonly SoftBounceRow[]): Promise<void> {
  if (rows.length === 0) return;
  const payload = rows.map((r) => ({
    id: uuidv7(),
    account_id: r.accountId,
    domain_id: r.domainId,
    sender_identity_id: r.senderIdentityId,
    recipient: r.recipient,
    event_id: r.eventId,
    occurred_at: r.occurredAt.toISOString(),
  }));
  await em.execute(
    `insert into suppression_soft_bounces (id, created_at, updated_at, account_id, domain_id, sender_identity_id, recipient, event_id, occurred_at)
     select id, now(), now(), account_id, domain_id, sender_identity_id, recipient, event_id, occurred_at
     from jsonb_to_recordset(?::jsonb) as x(id uuid, account_id uuid, domain_id uuid, sender_identity_id uuid, recipient text, event_id bigint, occurred_at timestamptz)`,
    [JSON.stringify(payload)],
  );
}

/** A recipient's uncounted soft bounces within its tenant's window, with that tenant's rule. */
export interface SoftBounceTally {
  count: number;
  threshold: number;
  windowDays: number;
  holdHours: number;
}

/**
 * For each soft bounce in `rows` (one per recipient, the latest of a batch), the recipient's soft
 * bounces not yet counted toward a hold within its tenant's window before it, and the tenant's ON_HOLD
 * rule (the defaults for agency mail) — in ONE query for the whole batch. Results follow `rows`' order.
 */
export async function tallySoftBounces(em: EntityManager, rows: readonly SoftBounceRow[]): Promise<SoftBounceTally[]> {
  if (rows.length === 0) return [];
  const d = { t: ON_HOLD_LIMITS.softBounceThreshold.default, w: ON_HOLD_LIMITS.windowDays.default, h: ON_HOLD_LIMITS.holdHours.default };
  const payload = rows.map((r, i) => ({
    i,
    account_id: r.accountId,
    domain_id: r.domainId,
    tenant_id: r.tenantId,
    sender_identity_id: r.senderIdentityId,
    recipient: r.recipient,
    at: r.occurredAt.toISOString(),
  }));
  const result = await em.execute<{ i: number; n: number; t: number; w: number; h: number }[]>(
    `with r as (select * from jsonb_to_recordset(?::jsonb) as x(i int, account_id uuid, domain_id uuid, tenant_id uuid, sender_identity_id uuid, recipient text, at timestamptz)),
     p as (select r.*, coalesce(t.on_hold_soft_bounce_threshold, ?) as t, coalesce(t.on_hold_window_days, ?) as w, coalesce(t.on_hold_hours, ?) as h
           from r left join tenants t on t.id = r.tenant_id)
     select p.i, p.t, p.w, p.h,
       (select count(*)::int from suppression_soft_bounces b
        where b.account_id = p.account_id and b.domain_id = p.domain_id and b.recipient = p.recipient
          and b.sender_identity_id is not distinct from p.sender_identity_id and b.hold_id is null
          and b.occurred_at > p.at - (p.w * interval '1 day') and b.occurred_at <= p.at) as n
     from p order by p.i`,
    [JSON.stringify(payload), d.t, d.w, d.h],
  );
  return result.map((x) => ({ count: x.n, threshold: x.t, windowDays: x.w, holdHours: x.h }));
}

/**
 * Puts a recipient ON_HOLD until `expiresAt` (or extends a hold in force) and marks its uncounted soft
 * bounces as counted toward it. Returns the hold, and whether it is new. Side effect: writes in `em`'s transaction.
 */
export async function placeHold(
  em: EntityManager,
  r: SoftBounceRow,
  expiresAt: Date,
  reason: string,
  diagnostic: string | null,
  messageId: string,
): Promise<{ entry: ChangedEntry; expiresAt: Date; added: boolean }> {
  const [row] = await em.execute<Record<string, unknown>[]>(
    `insert into suppressions (id, created_at, updated_at, account_id, domain_id, tenant_id, sender_identity_id, list, recipient, reason, source, origin_event_id, origin_message_id, origin_diagnostic, expires_at)
     values (?, now(), now(), ?, ?, ?, ?, 'ON_HOLD', ?, ?, 'EVENT', ?, ?, ?, ?)
     on conflict (account_id, domain_id, recipient, pattern, list, sender_identity_id)
     do update set expires_at = greatest(suppressions.expires_at, excluded.expires_at), reason = excluded.reason, origin_event_id = excluded.origin_event_id,
       origin_message_id = excluded.origin_message_id, origin_diagnostic = excluded.origin_diagnostic, updated_at = now()
     returning id, account_id, domain_id, tenant_id, sender_identity_id, list, expires_at, (xmax = 0) as added`,
    [uuidv7(), r.accountId, r.domainId, r.tenantId, r.senderIdentityId, r.recipient, reason, r.eventId, messageId, diagnostic, expiresAt.toISOString()],
  );
  await em.execute(
    `update suppression_soft_bounces set hold_id = ?, updated_at = now()
     where account_id = ? and domain_id = ? and recipient = ? and sender_identity_id is not distinct from ?::uuid and hold_id is null and occurred_at <= ?::timestamptz`,
    [row.id, r.accountId, r.domainId, r.recipient, r.senderIdentityId, r.occurredAt.toISOString()],
  );
  const entry: ChangedEntry = {
    id: String(row.id),
    accountId: r.accountId,
    domainId: r.domainId,
    tenantId: r.tenantId,
    senderIdentityId: r.senderIdentityId,
    list: row.list as ChangedEntry['list'],
    recipient: r.recipient,
    pattern: null,
  };
  return { entry, expiresAt: new Date(row.expires_at as string), added: Boolean(row.added) };
}

/** Deletes an ON_HOLD entry whose time is up; returns it, or null (removed already, or extended). Side effect: deletes in `em`'s transaction. */
export async function releaseHold(em: EntityManager, id: string): Promise<ChangedEntry | null> {
  const [row] = await em.execute<Record<string, unknown>[]>(
    `delete from suppressions where id = ? and list = 'ON_HOLD' and expires_at <= now() returning id, account_id, domain_id, tenant_id, sender_identity_id, list, recipient`,
    [id],
  );
  if (!row) return null;
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    domainId: (row.domain_id as string) ?? null,
    tenantId: (row.tenant_id as string) ?? null,
    senderIdentityId: (row.sender_identity_id as string) ?? null,
    list: row.list as ChangedEntry['list'],
    recipient: (row.recipient as string) ?? null,
    pattern: null,
  };
}
