import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';
import { initOrm } from '../../src/db/orm';
import { migrateQueue } from '../../src/jobs/queue';
import { createLogger } from '../../src/lib/logger';
import { ENTITIES } from '../../src/modules/modules';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
  }
}

let embedded: EmbeddedDatabase | null = null;
let dropDb: (() => Promise<void>) | null = null;
let tmp: string | null = null;

/** Whether a process with this pid runs on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drops the databases of earlier runs on this machine whose process is gone (a run killed before its
 * teardown leaves its database behind); those of runs still going are kept.
 */
async function dropAbandoned(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname ~ '^mailroom_(test|sending)_[0-9]+_'`);
  for (const { datname } of rows) {
    const pid = Number(/^mailroom_(?:test|sending)_(\d+)_/.exec(datname)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
  }
}

/**
 * One database per test run: a fresh database on DATABASE_URL's server when it is set, else an
 * embedded PostgreSQL in a temporary folder. Migrations build it, as in production.
 */
export default async function setup(project: TestProject): Promise<void> {
  const logger = createLogger('warn');
  let url: string;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    const name = `mailroom_test_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await dropAbandoned(admin);
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    tmp = mkdtempSync(join(tmpdir(), 'mailroom-test-'));
    embedded = await startEmbeddedPostgres(tmp, 'mailroom_test', logger);
    url = embedded.url;
    adminUrl = url;
  }
  const orm = await initOrm(url, ENTITIES, logger);
  await orm.close(true);
  await migrateQueue(url, logger);
  project.provide('databaseUrl', url);
  project.provide('adminDatabaseUrl', adminUrl);
}

/** Drops the test database or stops the embedded server. */
export async function teardown(): Promise<void> {
  if (dropDb) await dropDb();
  if (embedded) await embedded.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
