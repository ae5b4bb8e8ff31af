import type { EntityClass, FilterQuery, LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../context';
import { notFound } from '../graphql/errors';
import { fromGlobalId } from '../graphql/global-id';

/** How findInScope loads: through a transaction's `em` (a fork of ctx.em), with a row lock, under another type's NOT_FOUND. */
export interface FindInScopeOptions {
  /** A transaction of the request (`ctx.em.transactional`'s em): still the principal's scope. Default ctx.em. */
  em?: EntityManager;
  /** A row lock (e.g. PESSIMISTIC_WRITE inside a transaction). */
  lockMode?: LockMode;
  /** The type named by NOT_FOUND, when it is not the loaded one's (an ApiToken whose domain went out of scope). */
  notFoundAs?: string;
}

/**
 * Loads the `type` row with global id `gid` through the principal's scoped entity manager. A malformed
 * id (or one of another type) is BAD_USER_INPUT naming `field`; a missing row and one outside the
 * scope are the same NOT_FOUND naming `field`.
 */
export async function findInScope<T extends object>(ctx: Context, entity: EntityClass<T>, type: string, gid: string, field = 'id', options: FindInScopeOptions = {}): Promise<T> {
  return loadInScope(ctx, entity, type, fromGlobalId(gid, type, field), field, options);
}

/** Like findInScope, for a uuid already decoded (or read from a row): NOT_FOUND naming `field` when the scope does not hold it. */
export async function loadInScope<T extends object>(ctx: Context, entity: EntityClass<T>, type: string, id: string, field = 'id', options: FindInScopeOptions = {}): Promise<T> {
  const em = options.em ?? ctx.em;
  const row = await em.findOne(entity, { id } as FilterQuery<T>, options.lockMode ? { lockMode: options.lockMode } : {});
  if (!row) throw notFound(options.notFoundAs ?? type, field);
  return row;
}
