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

/**
 * Runs one statement written with `$1…$n` placeholders as a named prepared statement on `em`'s
 * transaction's connection (or a pooled one): each connection parses it once, and PostgreSQL plans it
 * once its generic plan is as good as the custom ones — for a large statement run again and again with
 * other values (a consumer's batch), where planning is a real share of the time. `name` must be unique
 * per statement text. Returns the rows.
 */
export async function executePrepared<T = Record<string, unknown>>(em: EntityManager, name: string, sql: string, params: readonly unknown[]): Promise<T[]> {
  const client = (em.getTransactionContext<Knex.Transaction>() ?? em.getConnection().getKnex()).client as Knex.Client;
  const connection = (await client.acquireConnection()) as { query: (q: { name: string; text: string; values: unknown[] }) => Promise<{ rows: T[] }> };
  try {
    return (await connection.query({ name, text: sql, values: [...params] })).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
