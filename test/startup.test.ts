import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildServer, freePort, processesMatching, spawnCollect, type Spawned, waitExited, waitGone } from './support/processes';

const isRoot = process.getuid?.() === 0;
let build: string;
let main: string;
let tmp: string;
const running: Spawned[] = [];

/** A fresh data dir the `postgres` user can reach (mkdtemp makes 0700 folders). */
function dataDir(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The server as `node dist/src/main.js` with exactly these settings (no DATABASE_URL unless given). */
function startServer(env: Record<string, string>): Spawned {
  const s = spawnCollect(process.execPath, [main], build, { HOST: '127.0.0.1', LOG_LEVEL: 'warn', MAILROOM_WORKER: 'off', DNS_SERVERS: '127.0.0.1:9', ...env });
  running.push(s);
  return s;
}

/** A failed start: its exit code and its one stderr line, after checking there is one line and no stack. */
async function failedStart(env: Record<string, string>): Promise<{ code: number | null; line: string }> {
  const s = startServer(env);
  const code = await s.exited;
  const lines = s.stderr().trim().split('\n');
  expect(lines, s.stderr()).toHaveLength(1);
  expect(s.stderr() + s.stdout()).not.toMatch(/^\s+at /m);
  return { code, line: lines[0] };
}

async function viewerKind(port: number, token: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { kind } }' }),
  });
  const body = (await res.json()) as { data?: { viewer: { kind: string } } };
  return body.data?.viewer.kind ?? JSON.stringify(body);
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const srv = createServer().listen(port, '127.0.0.1', () => resolve(srv));
  });
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function databaseExists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await c.connect();
  try {
    return (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

beforeAll(() => {
  build = buildServer('mailroom-startup-test');
  main = join(build, 'dist', 'src', 'main.js');
  tmp = mkdtempSync(join(tmpdir(), 'mailroom-startup-'));
  chmodSync(tmp, 0o755);
}, 120_000);

afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  await Promise.all(running.map((s) => s.exited));
  // A failed assertion may leave a cluster behind (the very bug under test): stop it before removing its folder.
  for (const p of processesMatching(tmp)) process.kill(p.pid, 'SIGINT');
  await waitGone(tmp, 10_000);
  rmSync(tmp, { recursive: true, force: true });
  rmSync(build, { recursive: true, force: true });
});

describe('first start, restart and stop of the built server (embedded PostgreSQL)', () => {
  it(
    'a port clash on the first start creates nothing; the next start prints a token that works; a second server on the running data dir is refused; SIGTERM leaves no postgres',
    { timeout: 120_000 },
    async () => {
      const dir = dataDir('first');
      const taken = await freePort();
      const blocker = await occupy(taken);
      const clash = await failedStart({ MAILROOM_DATA_DIR: dir, PORT: String(taken) });
      blocker.close();
      expect(clash.code).toBe(1);
      expect(clash.line).toContain('PORT');
      expect(clash.line).toContain(String(taken));
      expect(existsSync(join(dir, 'pg', 'cluster'))).toBe(false);

      const port = await freePort();
      const server = startServer({ MAILROOM_DATA_DIR: dir, PORT: String(port) });
      const [, token] = await server.waitForOutput(/Admin API token \(shown once\):\s+(mr_live_\S+)/);
      expect(await viewerKind(port, token)).toBe('API_TOKEN');

      // The same data dir while it runs, on the same port as an operator would: the data dir is named.
      const second = await failedStart({ MAILROOM_DATA_DIR: dir, PORT: String(port) });
      expect(second.code).toBe(1);
      expect(second.line).toMatch(/MAILROOM_DATA_DIR: .* is in use by another running Mailroom/);
      expect(await viewerKind(port, token)).toBe('API_TOKEN');

      expect(processesMatching(join(dir, 'pg', 'cluster')).length).toBeGreaterThan(0);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(await waitGone(join(dir, 'pg', 'cluster'), 5_000)).toEqual([]);
    },
  );

  it('SIGTERM to the pid of `npm start` stops node and PostgreSQL (no orphans); a restart prints no new token', { timeout: 120_000 }, async () => {
    const dir = dataDir('npm-start');
    const port = await freePort();
    // The build already ran (prestart); --ignore-scripts skips it and runs "start" as npm would.
    const npm = spawnCollect('npm', ['start', '--ignore-scripts'], build, {
      MAILROOM_DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      MAILROOM_WORKER: 'off',
      DNS_SERVERS: '127.0.0.1:9',
    });
    running.push(npm);
    await npm.waitForOutput(/Mailroom is listening/);
    // "start" execs node: npm's own child is the server, which receives what npm forwards.
    const node = processesMatching('dist/src/main.js').filter((p) => p.ppid === npm.child.pid);
    expect(node).toHaveLength(1);
    const cluster = join(dir, 'pg', 'cluster');
    const postgres = processesMatching(cluster);
    expect(postgres.length).toBeGreaterThan(0);

    npm.child.kill('SIGTERM');
    await npm.exited;
    expect(await waitExited([node[0].pid, ...postgres.map((p) => p.pid)], 10_000)).toEqual([]);
    expect(await waitGone(cluster, 1_000)).toEqual([]);
    expect(npm.stderr()).toContain('Admin API token');

    const again = startServer({ MAILROOM_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'info' });
    await again.waitForOutput(/Mailroom is listening/);
    expect(again.stderr()).not.toContain('Admin API token');
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    expect(await waitGone(cluster, 10_000)).toEqual([]);
  });

  it('SIGTERM while starting stops once started; a PostgreSQL orphaned by SIGKILL is shut down by the next start, which serves', { timeout: 120_000 }, async () => {
    const dir = dataDir('orphan');
    const cluster = join(dir, 'pg', 'cluster');
    const early = startServer({ MAILROOM_DATA_DIR: dir, PORT: String(await freePort()), LOG_LEVEL: 'info' });
    await early.waitForOutput(/embedded PostgreSQL started/);
    early.child.kill('SIGTERM');
    expect(await early.exited).toBe(0);
    expect(await waitGone(cluster, 10_000)).toEqual([]);
    // The start it interrupted still finished, so the first account's token was shown before it stopped.
    const [, token] = early.stderr().match(/Admin API token \(shown once\):\s+(mr_live_\S+)/) ?? [];
    expect(token).toBeDefined();

    const port = await freePort();
    const killed = startServer({ MAILROOM_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'info' });
    await killed.waitForOutput(/Mailroom is listening/);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const orphans = processesMatching(cluster);
    expect(orphans.length).toBeGreaterThan(0);

    const next = startServer({ MAILROOM_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'info' });
    await next.waitForOutput(/Mailroom is listening/);
    expect(await viewerKind(port, token)).toBe('API_TOKEN');
    expect(
      await waitExited(
        orphans.map((p) => p.pid),
        1_000,
      ),
    ).toEqual([]);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(await waitGone(cluster, 10_000)).toEqual([]);
  });
});

describe('a bad setting or an unusable database: one line naming the setting, non-zero exit, no stack', () => {
  const admin = () => inject('adminDatabaseUrl');
  const cases: Array<[string, () => Record<string, string>, number, RegExp]> = [
    ['LOG_LEVEL=bogus', () => ({ LOG_LEVEL: 'bogus' }), 2, /^Configuration error: LOG_LEVEL /],
    ['a short MAILROOM_BOOTSTRAP_TOKEN', () => ({ MAILROOM_BOOTSTRAP_TOKEN: 'short' }), 2, /^Configuration error: MAILROOM_BOOTSTRAP_TOKEN /],
    ['an mr_live_ bootstrap token without its checksum', () => ({ MAILROOM_BOOTSTRAP_TOKEN: 'mr_live_' + 'x'.repeat(49) }), 2, /MAILROOM_BOOTSTRAP_TOKEN .*checksum/],
    ['DATABASE_URL=notaurl', () => ({ DATABASE_URL: 'notaurl' }), 2, /^Configuration error: DATABASE_URL is not a URL/],
    ['a refused connection', () => ({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/mailroom' }), 1, /DATABASE_URL: .*127\.0\.0\.1:1 \(connection refused\)/],
    ['a wrong role', () => ({ DATABASE_URL: Object.assign(new URL(admin()), { username: 'no_such_role' }).toString() }), 1, /DATABASE_URL: .*refused role "no_such_role"/],
    ['PUBLIC_URL=notaurl', () => ({ PUBLIC_URL: 'notaurl' }), 2, /PUBLIC_URL/],
    ['DNS_SERVERS with a name', () => ({ DNS_SERVERS: 'dns.example' }), 2, /DNS_SERVERS/],
    ['MAILROOM_WORKER=of', () => ({ MAILROOM_WORKER: 'of' }), 2, /MAILROOM_WORKER/],
    ['SMTP_TLS_CERT that is no file', () => ({ SMTP_TLS_CERT: '/nonexistent/cert.pem', SMTP_TLS_KEY: '/nonexistent/key.pem' }), 2, /SMTP_TLS_CERT must be the path of a PEM file/],
    ['SMTP_TLS_CERT without SMTP_TLS_KEY', () => ({ SMTP_TLS_CERT: join(__dirname, 'fixtures', 'smtp-tls', 'cert.pem') }), 2, /SMTP_TLS_CERT and SMTP_TLS_KEY go together/],
    ['SMTP_SUBMISSION_TLS_PORT without a certificate', () => ({ SMTP_SUBMISSION_TLS_PORT: '4650' }), 2, /SMTP_SUBMISSION_TLS_PORT needs SMTP_TLS_CERT/],
  ];
  it.each(cases)('%s', { timeout: 30_000 }, async (_name, env, code, line) => {
    const dir = dataDir(`bad-${Math.random().toString(36).slice(2)}`);
    const result = await failedStart({ MAILROOM_DATA_DIR: dir, PORT: String(await freePort()), ...env() });
    expect(result.line).toMatch(line);
    expect(result.code).toBe(code);
    expect(existsSync(join(dir, 'pg'))).toBe(false);
  });

  it('a taken INBOUND_SMTP_PORT fails before anything starts, naming it', async () => {
    const taken = await freePort();
    const blocker = await occupy(taken);
    const dir = dataDir('inbound-taken');
    try {
      const result = await failedStart({ MAILROOM_DATA_DIR: dir, PORT: String(await freePort()), INBOUND_SMTP_PORT: String(taken) });
      expect(result.code).toBe(1);
      expect(result.line).toMatch(new RegExp(`INBOUND_SMTP_PORT: port ${taken} on 127\\.0\\.0\\.1 is already in use`));
      expect(existsSync(join(dir, 'pg'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('a HOST that is not an address of this machine is named', async () => {
    const result = await failedStart({ MAILROOM_DATA_DIR: dataDir('bad-host'), PORT: String(await freePort()), HOST: '192.0.2.1' });
    expect(result.code).toBe(1);
    expect(result.line).toMatch(/^Mailroom could not start: HOST: 192\.0\.2\.1 is not an address of this machine/);
  });

  it('a DATABASE_URL naming a missing database is refused and the database is not created', async () => {
    const name = `mailroom_missing_${process.pid}`;
    const result = await failedStart({ MAILROOM_DATA_DIR: dataDir('missing-db'), PORT: String(await freePort()), DATABASE_URL: withDatabase(admin(), name) });
    expect(result.code).toBe(1);
    expect(result.line).toMatch(new RegExp(`DATABASE_URL: database "${name}" does not exist.*MAILROOM_CREATE_DATABASE=true`));
    expect(await databaseExists(name)).toBe(false);
  });

  it('MAILROOM_CREATE_DATABASE=true creates the missing database and starts with a working token', { timeout: 60_000 }, async () => {
    const name = `mailroom_created_${process.pid}`;
    const port = await freePort();
    const server = startServer({ MAILROOM_DATA_DIR: dataDir('create-db'), PORT: String(port), DATABASE_URL: withDatabase(admin(), name), MAILROOM_CREATE_DATABASE: 'true' });
    try {
      const [, token] = await server.waitForOutput(/Admin API token \(shown once\):\s+(mr_live_\S+)/);
      expect(await databaseExists(name)).toBe(true);
      expect(await viewerKind(port, token)).toBe('API_TOKEN');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      const c = new pg.Client({ connectionString: admin() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    }
  });

  it.skipIf(!isRoot)('as root, a data dir inside a folder the postgres user cannot enter is refused before initdb, naming the folder', async () => {
    const privateDir = join(tmp, 'private');
    mkdirSync(privateDir, { mode: 0o700 });
    chmodSync(privateDir, 0o700);
    const dir = join(privateDir, 'data');
    const result = await failedStart({ MAILROOM_DATA_DIR: dir, PORT: String(await freePort()) });
    expect(result.code).toBe(1);
    expect(result.line).toContain('MAILROOM_DATA_DIR');
    expect(result.line).toContain(`cannot enter ${privateDir} (mode 0700)`);
    expect(result.line).toContain(`chmod o+x ${privateDir}`);
    expect(existsSync(join(dir, 'pg', 'cluster'))).toBe(false);
  });
});
