import pg from 'pg';
import { StartupError } from '../config';

const TIMEOUT_MS = 10_000;

/** Where a URL points, for messages: host:port/database, never the password. */
function describe(url: URL): { where: string; database: string; role: string } {
  const database = decodeURIComponent(url.pathname.slice(1));
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return { where: `${host}:${url.port || 5432}`, database, role: decodeURIComponent(url.username) || '(default)' };
}

/** One line saying why PostgreSQL at `url` could not be used, naming `setting`. */
function explain(err: unknown, url: URL, setting: string): StartupError {
  const e = err as { code?: string; message?: string };
  const { where, database, role } = describe(url);
  const msg = String(e.message ?? err).split('\n')[0];
  switch (e.code) {
    case 'ECONNREFUSED':
      return new StartupError(`${setting}: nothing accepts connections at ${where} (connection refused); is PostgreSQL running there?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`${setting}: the host of ${where} cannot be resolved`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new StartupError(`${setting}: ${where} cannot be reached (${e.code})`);
    case '28P01':
    case '28000':
      return new StartupError(`${setting}: PostgreSQL at ${where} refused role "${role}" (${msg})`);
    case '3D000':
      return new StartupError(`${setting}: database "${database}" does not exist at ${where}; create it, or set MAILROOM_CREATE_DATABASE=true to let Mailroom create it`);
    case '42501':
      return new StartupError(`${setting}: role "${role}" may not create database "${database}" at ${where} (${msg})`);
    default:
      if (/timeout/i.test(msg)) return new StartupError(`${setting}: no answer from PostgreSQL at ${where} within ${TIMEOUT_MS / 1000} s`);
      return new StartupError(`${setting}: cannot use PostgreSQL at ${where}: ${msg}`);
  }
}

async function connect(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
}

/**
 * Checks that the database at `url` can be used, before any pool or migration touches it; throws one
 * StartupError line naming `setting` otherwise. A missing database is created only when `create` is set
 * (through the server's `postgres` database) — a typo in the name must not start a fresh, empty system.
 * Side effects: one short connection; `create database` when allowed.
 */
export async function checkDatabase(urlString: string, options: { create: boolean; setting?: string }): Promise<void> {
  const setting = options.setting ?? 'DATABASE_URL';
  const url = new URL(urlString);
  try {
    const client = await connect(urlString);
    await client.end();
    return;
  } catch (e) {
    if ((e as { code?: string }).code !== '3D000' || !options.create) throw explain(e, url, setting);
  }
  const admin = new URL(urlString);
  admin.pathname = '/postgres';
  try {
    const client = await connect(admin.toString());
    try {
      await client.query(`create database ${client.escapeIdentifier(describe(url).database)}`);
    } finally {
      await client.end();
    }
  } catch (e) {
    // Another process may have created it meanwhile (42P04); anything else is explained.
    if ((e as { code?: string }).code !== '42P04') throw explain(e, url, setting);
  }
}
