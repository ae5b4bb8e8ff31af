import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditActorOf, type AuditActor } from '../../db/audit-actor';
import { Account } from '../accounts/account.entity';
import { type AuditChanges, AuditEntry } from './audit-entry.entity';

/** Longest JSON of one recorded value; a longer one is recorded as `[TRUNCATED n bytes]`. */
const MAX_VALUE_JSON = 2000;
/** Field names whose values are secrets: never recorded, not even that they changed. */
const SECRET = /secret|password|hash|privatekey|token/i;

/** What changed: the object (by GraphQL type and uuid), its owners (for scope), and the fields. */
export interface AuditInput {
  /** SCREAMING_SNAKE verb phrase, `<TYPE>_<CREATED|UPDATED|DELETED|…>` (TENANT_CREATED, API_TOKEN_REVOKED, BLOCKLIST_MONITOR_ADDED…). */
  action: string;
  target: { type: string; id: string };
  /** The changed object's tenant, domain and sender identity (all absent: the account's own). */
  owners?: { tenantId?: string | null; domainId?: string | null; senderIdentityId?: string | null };
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

function recordable(value: unknown): unknown {
  const json = JSON.stringify(value ?? null);
  return json.length > MAX_VALUE_JSON ? `[TRUNCATED ${json.length} bytes]` : (JSON.parse(json) as unknown);
}

/** Whether a field may appear in an audit entry (no secrets). Pure. */
export function auditableField(name: string): boolean {
  return !SECRET.test(name);
}

/** The fields that differ between `before` and `after` (either may be null: created, deleted), secrets left out. Pure. */
export function diffChanges(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined): AuditChanges {
  const changes: AuditChanges = {};
  for (const key of new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])) {
    if (!auditableField(key)) continue;
    const b = before ? recordable(before[key]) : undefined;
    const a = after ? recordable(after[key]) : undefined;
    if (before && after && JSON.stringify(b) === JSON.stringify(a)) continue;
    changes[key] = { ...(before ? { before: b } : {}), ...(after ? { after: a } : {}) };
  }
  return changes;
}

/** Builds the entry of one change by `actor` (not persisted). Pure apart from the new id and time. */
export function auditEntry(actor: AuditActor, input: AuditInput, changes: AuditChanges = diffChanges(input.before, input.after)): AuditEntry {
  const e = new AuditEntry();
  Object.assign(e, {
    account: ref(Account, actor.accountId),
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id,
    tenantId: input.owners?.tenantId ?? null,
    domainId: input.owners?.domainId ?? null,
    senderIdentityId: input.owners?.senderIdentityId ?? null,
    changes,
    requestId: actor.requestId,
    ip: actor.ip,
  });
  return e;
}

/**
 * Records one change in the audit log as the actor bound to `em` (a request's entity manager or a
 * transaction forked from it): the entry is persisted on `em` and written by its next flush, so call it
 * inside the changing transaction (`em.transactional` flushes before it commits). For changes the ORM
 * flush does not see (raw SQL, native deletes); entity changes flushed through the ORM are recorded by
 * the audit subscriber. Returns false (records nothing) for system work, which has no actor.
 */
export function audit(em: EntityManager, input: AuditInput): boolean {
  const actor = auditActorOf(em);
  if (!actor) return false;
  em.persist(auditEntry(actor, input));
  return true;
}
