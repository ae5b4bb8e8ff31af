import type { EntityManager } from '@mikro-orm/postgresql';

/** The filter-parameter slot that carries who is acting on an entity manager (forks and transactions copy it). */
export const AUDIT_ACTOR = 'auditActor';

/** Who makes the changes an entity manager flushes, for the audit log. */
export interface AuditActor {
  kind: 'MEMBER' | 'API_TOKEN';
  /** The membership or token id. */
  id: string;
  name: string;
  accountId: string;
  requestId: string | null;
  ip: string | null;
}

/** Binds the actor to a request's entity manager: what it flushes is audited as theirs. */
export function bindAuditActor(em: EntityManager, actor: AuditActor): void {
  em.setFilterParams(AUDIT_ACTOR, actor);
}

/** The actor bound to an entity manager (or the fork or transaction it was made from); null for system work. */
export function auditActorOf(em: EntityManager): AuditActor | null {
  const actor = em.getFilterParams<AuditActor>(AUDIT_ACTOR);
  return actor && typeof actor === 'object' && typeof actor.id === 'string' ? actor : null;
}
