import { hostname } from 'node:os';
import type pg from 'pg';
import type { Logger } from '../lib/logger';

/** First key of the advisory locks that say "this worker pool is alive". */
const LIVENESS_LOCK_CLASS = 4_242_100;

/** A registration that lasts while its connection does. */
export interface PoolLiveness {
  release(): Promise<void>;
}

/**
 * Registers a graphile-worker pool as alive: a dedicated connection takes a session advisory lock
 * on the pool id, then records the pool in `worker_pools`. When the process dies, PostgreSQL drops
 * the connection and its lock, which is how other processes learn it is gone.
 * Side effects: holds one database connection until `release`.
 */
export async function registerPool(pool: pg.Pool, poolId: string, logger: Logger): Promise<PoolLiveness> {
  const client = await pool.connect();
  const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [LIVENESS_LOCK_CLASS, poolId]);
  if (!rows[0]?.ok) logger.warn({ poolId }, 'worker pool liveness lock is taken (hash collision); this pool is not registered for crash recovery');
  else await client.query('insert into worker_pools (id, host, pid) values ($1, $2, $3) on conflict (id) do nothing', [poolId, hostname(), process.pid]);
  client.on('error', (err) => logger.warn({ err: err.message, poolId }, 'worker liveness connection failed'));
  return {
    async release() {
      await client.query('delete from worker_pools where id = $1', [poolId]).catch(() => undefined);
      client.release(true);
    },
  };
}

/**
 * Releases the jobs of registered pools whose liveness lock is gone (their process died), so they
 * run again now rather than after graphile-worker's 4-hour lock expiry, and forgets those pools.
 * Pools that never registered are left alone. Returns how many pools were found dead.
 */
export async function releaseDeadPools(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `with dead as (
       delete from worker_pools p
       where not exists (
         select 1 from pg_locks l
         where l.locktype = 'advisory' and l.granted and l.objsubid = 2
           and l.database = (select oid from pg_database where datname = current_database())
           and l.classid = $1::int::oid and l.objid = hashtext(p.id)::oid
       )
       returning id
     ), unlocked as (
       select graphile_worker.force_unlock_workers(array(select id from dead))
     )
     select (select count(*) from dead)::int as n from unlocked`,
    [LIVENESS_LOCK_CLASS],
  );
  return rows[0]?.n ?? 0;
}
