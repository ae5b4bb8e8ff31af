import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs a statement `readRows` rendered (its own condition and the entity manager's scope filter, see
 * renderFromWhere in read-rows.ts) in the entity manager's transaction, if any. Not a read model of its
 * own: the scope is already in `sql`, rendered from the filter the entity manager has bound.
 */
export function runRenderedRead(em: EntityManager, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  return em.getConnection().execute<Record<string, unknown>[]>(sql, params, 'all', em.getTransactionContext());
}
