import type { MikroORM } from '@mikro-orm/postgresql';

/** The API connection pool's use right now. */
export interface PoolUse {
  used: number;
  free: number;
  /** Acquires waiting for a connection (and connections being opened). */
  pending: number;
}

type TarnPool = { numUsed(): number; numFree(): number; numPendingAcquires(): number; numPendingCreates(): number };

/** Reads the ORM's knex (tarn) pool counters; null when the driver exposes none. No I/O. */
export function poolUse(orm: MikroORM): PoolUse | null {
  const knex = orm.em.getConnection().getKnex() as unknown as { client?: { pool?: TarnPool } };
  const pool = knex.client?.pool;
  if (!pool) return null;
  return { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires() + pool.numPendingCreates() };
}
