import type { EntityManager } from '@mikro-orm/postgresql';

/** What erasing one address from one tenant changed, by table. */
export interface ErasureCounts {
  messages: number;
  events: number;
  suppressions: number;
  softBounces: number;
  webhookDeliveries: number;
}

/** Event details that identify a person beyond the address: the opener's or clicker's IP and user agent. */
const PERSONAL_KEYS = ['ip', 'userAgent'];

/** The address as a case-insensitive POSIX regular expression matching it literally. Pure. */
export function literalPattern(email: string): string {
  return email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const count = async (em: EntityManager, sql: string, params: unknown[]): Promise<number> => Number((await em.execute<{ n: string }[]>(sql, params))[0].n);

/**
 * Erases `email` (normalised, lower-case) from tenant `tenantId` of account `accountId` — and from no
 * other tenant or account: its messages get `marker` as recipient and lose name, content, attachments, addressing
 * and any reply naming it; other messages of the tenant listing it in To/Cc get the marker there; the
 * events of its messages get the marker and lose IP and user agent (and any mention of it); the
 * suppression entries of the address in the tenant keep the address (so it stays suppressed) but lose
 * their notes; its soft-bounce tallies on the tenant's domains and identities go; webhook deliveries of
 * its events get the marker in the logged request and answer. Rows stay, statuses and counts stay. The
 * caller has checked that the tenant is the account's and in its scope. Writes, in `em`'s transaction.
 */
export async function eraseInTenant(em: EntityManager, accountId: string, tenantId: string, email: string, marker: string): Promise<ErasureCounts> {
  const pattern = literalPattern(email);
  const own = await em.execute<{ id: string }[]>(
    `update messages set recipient = ?, recipient_name = null, subject = null, html = null, text = null, raw = null, variables = null,
       headers = '{}'::jsonb, addressing = '{"to":[],"cc":[]}'::jsonb, last_response = regexp_replace(last_response, ?, ?, 'gi')
     where account_id = ? and tenant_id = ? and recipient = ? returning id`,
    [marker, pattern, marker, accountId, tenantId, email],
  );
  const ids = own.map((r) => r.id);
  const entry = `coalesce((select jsonb_agg(case when lower(x->>'email') = ? then jsonb_build_object('email', ?::text) else x end) from jsonb_array_elements(coalesce(m.addressing->?, '[]'::jsonb)) x), '[]'::jsonb)`;
  const mentioned = await count(
    em,
    `with changed as (update messages m set addressing = jsonb_build_object('to', ${entry}, 'cc', ${entry})
       where m.account_id = ? and m.tenant_id = ? and m.recipient <> ? and strpos(lower(m.addressing::text), ?) > 0 returning 1)
     select count(*) as n from changed`,
    [email, marker, 'to', email, marker, 'cc', accountId, tenantId, marker, email],
  );
  const uuidList = `{${ids.join(',')}}`;
  // Attachments are content too (their bytes go with the daily clean-up once nothing points to them).
  await em.execute(`delete from message_attachments where account_id = ? and message_id = any(?::uuid[])`, [accountId, uuidList]);
  const events = await em.execute<{ id: string }[]>(
    `update activity_events set recipient = ?, data = (regexp_replace(data::text, ?, ?, 'gi'))::jsonb - ?::text[]
     where account_id = ? and message_id = any(?::uuid[]) returning id::text as id`,
    [marker, pattern, marker, `{${PERSONAL_KEYS.join(',')}}`, accountId, uuidList],
  );
  const suppressions = await count(
    em,
    `with changed as (update suppressions set reason = null, origin_diagnostic = null, updated_at = now()
       where account_id = ? and tenant_id = ? and recipient = ? and (reason is not null or origin_diagnostic is not null) returning 1)
     select count(*) as n from changed`,
    [accountId, tenantId, email],
  );
  const softBounces = await count(
    em,
    `with gone as (delete from suppression_soft_bounces b where b.account_id = ? and b.recipient = ?
       and (b.domain_id in (select d.id from domains d where d.account_id = ? and d.tenant_id = ?)
         or b.sender_identity_id in (select i.id from sender_identities i where i.account_id = ? and i.tenant_id = ?)) returning 1)
     select count(*) as n from gone`,
    [accountId, email, accountId, tenantId, accountId, tenantId],
  );
  const webhookDeliveries = events.length
    ? await count(
        em,
        `with changed as (update webhook_deliveries set body = regexp_replace(body, ?, ?, 'gi'), response_body = regexp_replace(response_body, ?, ?, 'gi')
           where account_id = ? and event_id = any(?::bigint[]) returning 1)
         select count(*) as n from changed`,
        [pattern, marker, pattern, marker, accountId, `{${events.map((e) => e.id).join(',')}}`],
      )
    : 0;
  return { messages: ids.length + mentioned, events: events.length, suppressions, softBounces, webhookDeliveries };
}
