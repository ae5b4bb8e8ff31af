import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../lib/logger';
import { checkDatabase } from './connect';
import { MIGRATIONS } from '../../migrations/list';

/** MikroORM options for a database URL and entity list. */
export function ormOptions(url: string, entities: Options['entities'], logger?: Logger, onQuery?: (sql: string) => void): Options {
  return {
    clientUrl: url,
    entities,
    discovery: { warnWhenNoEntities: true },
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, tableName: 'mikro_orm_migrations', transactional: true, allOrNothing: true, snapshot: false, path: 'migrations' },
    // Never create a database on connect: a typo in its name would start a new, empty system.
    ensureDatabase: false,
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

/** Whether a missing database may be created (MAILROOM_CREATE_DATABASE), and the setting to name in errors. */
export interface InitOrmOptions {
  createDatabase?: boolean;
  setting?: string;
}

/**
 * Checks the database (one clear StartupError line if it cannot be used; created only when allowed),
 * connects the ORM and applies pending migrations. Side effects: schema changes.
 */
export async function initOrm(url: string, entities: Options['entities'], logger?: Logger, onQuery?: (sql: string) => void, options: InitOrmOptions = {}): Promise<MikroORM> {
  await checkDatabase(url, { create: options.createDatabase ?? false, setting: options.setting });
  const orm = await MikroORM.init(ormOptions(url, entities, logger, onQuery));
  await orm.getMigrator().up();
  return orm;
}
