import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/**
 * Runs one statement written with `?` placeholders in `em`'s transaction (or on a pooled connection)
 * through knex, its parameters sent as bind values — em.execute first formats the whole query with
 * every parameter inlined and escaped (for its logger), which costs ~100 ms per MB and makes garbage
 * of the size of the query. For statements whose parameters are large (JSON or array literals of many
 * rows). Returns the rows.
 */
export async function executeWithParams<T = Record<string, unknown>>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  const knex = em.getTransactionContext<Knex.Transaction>() ?? em.getConnection().getKnex();
  const res = (await knex.raw(sql, params as Knex.RawBinding[])) as { rows?: T[] };
  return res.rows ?? [];
}
