import { type ChangeSet, ChangeSetType, type EntityMetadata, type EventSubscriber, type FlushEventArgs, type Platform, ReferenceKind, wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditActorOf } from '../../db/audit-actor';
import { AuditEntry } from './audit-entry.entity';
import { audit, auditableField, auditEntry, type AuditInput, diffChanges } from './audit';
import type { AuditChanges } from './audit-entry.entity';

/** An audited entity: its GraphQL type, the action prefix, and the owners of a row. */
interface AuditedKind {
  type: string;
  prefix: string;
  /** Which owner the row's own id is (a tenant, domain or identity is its own owner). */
  self?: 'tenantId' | 'domainId' | 'senderIdentityId';
  /** More specific action names for updates, from the changed fields. */
  updateAction?: (changes: AuditChanges) => string | null;
}

const set = (c: AuditChanges, f: string) => c[f] !== undefined && c[f].before == null && c[f].after != null;
const cleared = (c: AuditChanges, f: string) => c[f] !== undefined && c[f].before != null && c[f].after == null;

/** The audited entities by class name. Fields no one sets by hand (updatedAt, lastUsedAt) are not changes. */
const AUDITED: Record<string, AuditedKind> = {
  Account: { type: 'Account', prefix: 'ACCOUNT' },
  Tenant: { type: 'Tenant', prefix: 'TENANT', self: 'tenantId' },
  Domain: { type: 'Domain', prefix: 'DOMAIN', self: 'domainId' },
  SenderIdentity: { type: 'SenderIdentity', prefix: 'SENDER_IDENTITY', self: 'senderIdentityId' },
  Template: { type: 'Template', prefix: 'TEMPLATE' },
  ApiToken: {
    type: 'ApiToken',
    prefix: 'API_TOKEN',
    updateAction: (c) =>
      set(c, 'revokedAt') ? 'API_TOKEN_REVOKED' : set(c, 'pausedAt') ? 'API_TOKEN_PAUSED' : cleared(c, 'pausedAt') ? 'API_TOKEN_RESUMED' : c.permissions ? 'API_TOKEN_PERMISSIONS_CHANGED' : null,
  },
  Membership: { type: 'Member', prefix: 'MEMBER', updateAction: (c) => (c.role || c.customPermissions || c.allDomains || c.domainIds || c.templateIds ? 'MEMBER_ROLE_CHANGED' : null) },
  Webhook: { type: 'Webhook', prefix: 'WEBHOOK' },
  Suppression: { type: 'Suppression', prefix: 'SUPPRESSION' },
  // An import is audited when it is started (its entries are then added by a job, which has no actor).
  SuppressionImport: { type: 'SuppressionImport', prefix: 'SUPPRESSION_IMPORT' },
  BlocklistMonitor: { type: 'BlocklistMonitor', prefix: 'BLOCKLIST_MONITOR' },
  DmarcMonitor: { type: 'DmarcMonitor', prefix: 'DMARC_MONITOR' },
  SmtpUser: {
    type: 'SmtpUser',
    prefix: 'SMTP_USER',
    updateAction: (c) => (c.enabled?.after === false ? 'SMTP_USER_DISABLED' : c.enabled?.after === true ? 'SMTP_USER_ENABLED' : null),
  },
};

const NOT_CHANGES = new Set(['id', 'account', 'createdAt', 'updatedAt', 'lastUsedAt']);
const COLUMN_KINDS = new Set<string>([ReferenceKind.SCALAR, ReferenceKind.MANY_TO_ONE, ReferenceKind.EMBEDDED]);

/**
 * The entity's data as recorded: its own columns that are not hidden or lazy (secrets), relations as
 * ids. `stored`: the data is the ORM's snapshot of the row (database forms, turned back into values).
 */
function snapshot(meta: EntityMetadata, data: object | undefined, stored = false, platform?: Platform): Record<string, unknown> | null {
  if (!data) return null;
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(meta.properties)) {
    if (NOT_CHANGES.has(name) || prop.hidden || prop.lazy || !COLUMN_KINDS.has(prop.kind) || !(name in data)) continue;
    let v = (data as Record<string, unknown>)[name];
    if (stored && prop.customType && platform && v !== null && v !== undefined) v = prop.customType.convertToJSValue(v, platform);
    out[name] = v && typeof v === 'object' && 'id' in v ? (v as { id: unknown }).id : v;
  }
  return out;
}

function refId(entity: object, prop: string): string | null {
  const v = (entity as Record<string, unknown>)[prop];
  return v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : null;
}

function ownersOf(entity: object, kind: AuditedKind, id: string): NonNullable<AuditInput['owners']> {
  const owners: NonNullable<AuditInput['owners']> = { tenantId: refId(entity, 'tenant'), domainId: refId(entity, 'domain'), senderIdentityId: refId(entity, 'senderIdentity') };
  if (kind.self) owners[kind.self] = id;
  return owners;
}

/** Secret fields an update changed: recorded as changed, never with their values. */
function secretChanges(cs: ChangeSet<object>): AuditChanges {
  const out: AuditChanges = {};
  for (const name of Object.keys(cs.payload as object)) {
    const prop = (cs.meta.properties as Record<string, { hidden?: boolean; lazy?: boolean } | undefined>)[name];
    if (prop && !NOT_CHANGES.has(name) && (prop.hidden || prop.lazy || !auditableField(name))) out[name] = { before: '[SECRET]', after: '[SECRET]' };
  }
  return out;
}

function inputOf(cs: ChangeSet<object>, kind: AuditedKind, platform: Platform): AuditInput | null {
  const id = String((cs.entity as { id?: unknown }).id ?? cs.getPrimaryKey());
  const owners = ownersOf(cs.entity, kind, id);
  const original = snapshot(cs.meta, cs.originalEntity, true, platform);
  const current = snapshot(cs.meta, cs.entity);
  const input: AuditInput = { action: '', target: { type: kind.type, id }, owners };
  if (cs.type === ChangeSetType.CREATE) return { ...input, action: `${kind.prefix}_CREATED`, after: current };
  if (cs.type === ChangeSetType.DELETE || cs.type === ChangeSetType.DELETE_EARLY) return { ...input, action: `${kind.prefix}_DELETED`, before: original };
  return { ...input, before: original, after: current };
}

/**
 * The one audit mechanism for entity changes: in every flush of an entity manager bound to a member
 * or token (see bindAuditActor), each created, updated or deleted audited entity gets an AuditEntry,
 * added to the same flush, so it commits (or rolls back) with the change. Updates that change nothing
 * recordable (only timestamps) leave no entry. System work (jobs, consumers, public links) has no actor.
 */
export const auditSubscriber: EventSubscriber = {
  async onFlush(args: FlushEventArgs): Promise<void> {
    const actor = auditActorOf(args.em as never);
    if (!actor) return;
    for (const cs of [...args.uow.getChangeSets()]) {
      if (cs.entity instanceof AuditEntry) continue;
      const kind = AUDITED[cs.meta.className];
      const input = kind ? inputOf(cs, kind, args.em.getPlatform()) : null;
      if (!kind || !input) continue;
      const changes = { ...diffChanges(input.before, input.after), ...(cs.type === ChangeSetType.UPDATE ? secretChanges(cs) : {}) };
      if (cs.type === ChangeSetType.UPDATE && Object.keys(changes).length === 0) continue;
      const action = input.action || kind.updateAction?.(changes) || `${kind.prefix}_UPDATED`;
      args.uow.computeChangeSet(auditEntry(actor, { ...input, action }, changes));
    }
  },
};

/**
 * Records the deletion of an audited entity that is deleted without the ORM flush seeing it (a native
 * delete whose foreign keys cascade): call it in the deleting transaction, on its entity manager; the
 * entry is written by that transaction's flush. False (nothing recorded) for system work.
 */
export function auditDeletion(em: EntityManager, entity: object): boolean {
  const meta = wrap(entity, true).__meta;
  const kind = AUDITED[meta.className];
  if (!kind) throw new Error(`${meta.className} is not an audited entity`);
  const id = String((entity as { id: unknown }).id);
  return audit(em, { action: `${kind.prefix}_DELETED`, target: { type: kind.type, id }, owners: ownersOf(entity, kind, id), before: snapshot(meta, entity) });
}
