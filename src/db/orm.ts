import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../lib/logger';
import { MIGRATIONS } from '../../migrations/list';

/** MikroORM options for a database URL and entity list. */
export function ormOptions(url: string, entities: Options['entities'], logger?: Logger, onQuery?: (sql: string) => void): Options {
  return {
    clientUrl: url,
    entities,
    discovery: { warnWhenNoEntities: true },
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, tableName: 'mikro_orm_migrations', transactional: true, allOrNothing: true, snapshot: false, path: 'migrations' },
    forceUtcTimezone: true,
    // Scope filters apply to each entity's own rows; joining a relation's filter into the parent query would
    // hide a tenant's identities whenever the caller cannot see the agency domain they send through.
    autoJoinRefsForFilters: false,
    pool: { min: 0, max: 10 },
    debug: onQuery ? ['query'] : false,
    logger: (message: string) => {
      if (onQuery) onQuery(message);
      else logger?.debug({ component: 'orm' }, message);
    },
    allowGlobalContext: false,
    serialization: { forceObject: true },
  };
}

/** Connects the ORM and applies pending migrations. Side effects: schema changes. */
export async function initOrm(url: string, entities: Options['entities'], logger?: Logger, onQuery?: (sql: string) => void): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(url, entities, logger, onQuery));
  await orm.getMigrator().up();
  return orm;
}
