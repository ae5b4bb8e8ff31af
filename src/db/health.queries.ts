import type { MikroORM } from '@mikro-orm/postgresql';

/** Runs `select 1` on the pool: throws when the database cannot answer (the health check). Read-only. */
export async function pingDatabase(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute('select 1');
}
