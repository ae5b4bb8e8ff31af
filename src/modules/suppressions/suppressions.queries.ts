import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { uuidv7 } from '../../lib/ids';
import { parseEmailAddress } from '../mail/address';
import type { RowScope } from '../../auth/scope';
import { scopeCondition, SqlParams } from '../../db/scope-sql';
import { filterCondition, type ResolvedSuppressionFilter } from './sql';
import { Suppression } from './suppression.entity';
import { SuppressionList, type SuppressionSource } from './suppression.enums';
import { pushTo } from '../../lib/collections';

const COLUMNS =
  's.id, s.created_at, s.updated_at, s.account_id, s.domain_id, s.tenant_id, s.sender_identity_id, s.list, s.recipient, s.pattern, s.like_pattern, s.reason, s.source, s.origin_event_id, s.origin_message_id, s.origin_diagnostic, s.expires_at';

/** Where a recipient is being sent from: the account, the sending domain and (for identity mail) the sender identity. */
export interface SendingOrigin {
  accountId: string;
  domainId: string;
  /**
   * The sender identity of the message. A string: the domain's own entries plus that identity's;
   * null: the domain's own entries only; left out: every entry on the domain, whoever's (strictest).
   */
  senderIdentityId?: string | null;
}

function normalised(recipient: string): string {
  const parsed = parseEmailAddress(recipient);
  return parsed.ok ? parsed.email : String(recipient).trim().toLowerCase();
}

/**
 * The entries that stop mail to `recipients` from `origin`, in ONE indexed query for the whole chunk:
 * exact addresses on the domain's lists and the account-wide blocklist, plus the `@domain` and `*`
 * patterns of both (matched with LIKE); expired ON_HOLD entries are ignored. Returns, for each
 * recipient as given that is suppressed, one entry (an exact address first, then the oldest). No scope:
 * for the sending path (run it with any entity manager; it reads only `origin.accountId`'s rows).
 */
export async function findSuppressions(em: EntityManager, origin: SendingOrigin, recipients: readonly string[]): Promise<Map<string, Suppression>> {
  const out = new Map<string, Suppression>();
  if (recipients.length === 0) return out;
  const byNormal = new Map<string, string[]>();
  for (const r of recipients) pushTo(byNormal, normalised(r), r);
  const q = new SqlParams();
  const list = q.p(JSON.stringify([...byNormal.keys()]));
  // Placeholders are positional: parameters are added in the order they appear in the text.
  const identity = () =>
    origin.senderIdentityId === undefined
      ? 'true'
      : origin.senderIdentityId === null
        ? 's.sender_identity_id is null'
        : `(s.sender_identity_id is null or s.sender_identity_id = ${q.p(origin.senderIdentityId)})`;
  const live = '(s.expires_at is null or s.expires_at > now())';
  // Exact addresses: one probe of the unique index (account, domain, recipient …) per recipient, on the
  // domain's lists and on the account-wide blocklist — never a scan of the domain's entries.
  const exact = (domain: () => string) => `select ${COLUMNS}, r.recipient as matched from suppressions s
      where s.account_id = ${q.p(origin.accountId)} and ${domain()} and s.recipient = r.recipient and ${identity()} and ${live}`;
  const exactArms = () => `${exact(() => `s.domain_id = ${q.p(origin.domainId)}`)} union all ${exact(() => "s.domain_id is null and s.list = 'BLOCKLIST'")}`;
  const patterns = () => `select ${COLUMNS}, r.recipient as matched from suppressions s join r on r.recipient like s.like_pattern
      where s.account_id = ${q.p(origin.accountId)} and (s.domain_id = ${q.p(origin.domainId)} or (s.domain_id is null and s.list = 'BLOCKLIST'))
        and s.like_pattern is not null and ${identity()} and ${live}`;
  const sql = `with r(recipient) as (select distinct x from jsonb_array_elements_text(${list}::jsonb) as x)
    select a.* from r cross join lateral (${exactArms()}) a
    union all
    select * from (${patterns()}) b`;
  const rows = await em.execute<Record<string, unknown>[]>(sql, q.params);
  rows.sort((x, y) => Number(x.recipient === null) - Number(y.recipient === null) || String(x.id).localeCompare(String(y.id)));
  for (const row of rows) {
    const matched = String(row.matched);
    delete row.matched;
    for (const given of byNormal.get(matched) ?? []) if (!out.has(given)) out.set(given, em.map(Suppression, row));
  }
  return out;
}

/** A new entry to insert. */
export interface NewEntry {
  accountId: string;
  domainId: string | null;
  tenantId: string | null;
  senderIdentityId: string | null;
  list: SuppressionList;
  recipient: string | null;
  pattern: string | null;
  likePattern: string | null;
  reason: string | null;
  source: SuppressionSource;
  originEventId?: string | null;
  originMessageId?: string | null;
  originDiagnostic?: string | null;
  expiresAt?: Date | null;
}

/** What is published about a changed entry: ids only. */
export interface ChangedEntry {
  id: string;
  accountId: string;
  domainId: string | null;
  tenantId: string | null;
  senderIdentityId: string | null;
  list: SuppressionList;
  /** The address or pattern (for the entry's own webhooks; never put on the bus). */
  recipient: string | null;
  pattern: string | null;
}

function changed(r: Record<string, unknown>): ChangedEntry {
  return {
    id: String(r.id),
    accountId: String(r.account_id),
    domainId: (r.domain_id as string | null) ?? null,
    tenantId: (r.tenant_id as string | null) ?? null,
    senderIdentityId: (r.sender_identity_id as string | null) ?? null,
    list: r.list as SuppressionList,
    recipient: (r.recipient as string | null) ?? null,
    pattern: (r.pattern as string | null) ?? null,
  };
}

const RETURNING = 'returning id, account_id, domain_id, tenant_id, sender_identity_id, list, recipient, pattern';

/**
 * Inserts entries in one statement; an entry already on its list (same domain, recipient or pattern,
 * identity) is left as it was, origin included. Returns the entries actually added. Side effect: writes in `em`'s transaction.
 */
export async function insertEntries(em: EntityManager, entries: readonly NewEntry[]): Promise<ChangedEntry[]> {
  if (entries.length === 0) return [];
  const payload = entries.map((e) => ({
    id: uuidv7(),
    account_id: e.accountId,
    domain_id: e.domainId,
    tenant_id: e.tenantId,
    sender_identity_id: e.senderIdentityId,
    list: e.list,
    recipient: e.recipient,
    pattern: e.pattern,
    like_pattern: e.likePattern,
    reason: e.reason,
    source: e.source,
    origin_event_id: e.originEventId ?? null,
    origin_message_id: e.originMessageId ?? null,
    origin_diagnostic: e.originDiagnostic ?? null,
    expires_at: e.expiresAt?.toISOString() ?? null,
  }));
  const rows = await em.execute<Record<string, unknown>[]>(
    `insert into suppressions (id, created_at, updated_at, account_id, domain_id, tenant_id, sender_identity_id, list, recipient, pattern, like_pattern, reason, source, origin_event_id, origin_message_id, origin_diagnostic, expires_at)
     select id, now(), now(), account_id, domain_id, tenant_id, sender_identity_id, list, recipient, pattern, like_pattern, reason, source, origin_event_id, origin_message_id, origin_diagnostic, expires_at
     from jsonb_to_recordset(?::jsonb) as x(id uuid, account_id uuid, domain_id uuid, tenant_id uuid, sender_identity_id uuid, list text, recipient text, pattern text, like_pattern text, reason text, source text, origin_event_id bigint, origin_message_id uuid, origin_diagnostic text, expires_at timestamptz)
     on conflict do nothing ${RETURNING}`,
    [JSON.stringify(payload)],
  );
  return rows.map(changed);
}

/** Which entries to delete: by ids and/or list and/or domain, always within `scope`. */
export interface DeleteWhere {
  ids: string[] | null;
  list: SuppressionList | null;
  /** A domain id, or null for the account-wide blocklist; undefined: any. */
  domainId?: string | null;
}

/** Deletes the entries in `scope` that match `where`; returns them. Side effect: deletes in `em`'s transaction. */
export async function deleteEntries(em: EntityManager, scope: RowScope, where: DeleteWhere): Promise<ChangedEntry[]> {
  const q = new SqlParams();
  const parts = [scopeCondition(q, scope, 's')];
  if (where.ids) parts.push(`s.id = any(${q.uuids(where.ids)})`);
  if (where.list) parts.push(`s.list = ${q.p(where.list)}`);
  if (where.domainId === null) parts.push('s.domain_id is null');
  else if (where.domainId !== undefined) parts.push(`s.domain_id = ${q.p(where.domainId)}`);
  const rows = await em.execute<Record<string, unknown>[]>(`delete from suppressions s where ${parts.join(' and ')} ${RETURNING}`, q.params);
  return rows.map(changed);
}

/** The entries in `scope` that concern one address: its own entries and the patterns that match it, optionally of one domain. */
export async function recipientEntries(em: EntityManager, scope: RowScope, email: string, domainId: string | null): Promise<Suppression[]> {
  const q = new SqlParams();
  const inScope = scopeCondition(q, scope, 's');
  const domain = domainId ? ` and (s.domain_id = ${q.p(domainId)} or s.domain_id is null)` : '';
  const address = q.p(email);
  const again = q.p(email);
  const rows = await em.execute<Record<string, unknown>[]>(
    `select ${COLUMNS} from suppressions s where ${inScope}${domain}
       and (s.recipient = ${address} or (s.like_pattern is not null and ${again} like s.like_pattern))
     order by s.id limit 200`,
    q.params,
  );
  return rows.map((r) => em.map(Suppression, r));
}

/** The export query (node-postgres placeholders): every entry in `scope` matching `filter`, in id order, with its domain's name. */
export function exportQuery(scope: RowScope, filter: ResolvedSuppressionFilter): { sql: string; params: unknown[] } {
  const q = new SqlParams('pg');
  const where = `${scopeCondition(q, scope, 's')} and ${filterCondition(q, filter)}`;
  const sql = `select s.list, s.recipient, s.pattern, d.name as domain, s.reason, s.source, s.created_at, s.expires_at
    from suppressions s left join domains d on d.id = s.domain_id and d.account_id = s.account_id
    where ${where} order by s.id`;
  return { sql, params: q.params };
}

/**
 * Streams the export rows (see exportQuery) from a server-side cursor, 500 rows at a time with
 * backpressure, to `consume`; the pool connection is held until it returns. Read-only.
 */
export async function streamExport(em: EntityManager, scope: RowScope, filter: ResolvedSuppressionFilter, consume: (rows: Readable) => Promise<void>): Promise<void> {
  const { sql, params } = exportQuery(scope, filter);
  const knex = em.getConnection().getKnex();
  const client = (await knex.client.acquireConnection()) as PoolClient;
  try {
    await consume(client.query(new QueryStream(sql, params, { batchSize: 500 })));
  } finally {
    await knex.client.releaseConnection(client);
  }
}
