import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildServer, freePort, spawnCollect, type Spawned } from './support/processes';
import { scrape } from './support/prometheus';
import { wsSession } from './support/ws-client';

/**
 * The README's first session on a fresh install, against the built server as a child process
 * (compiled as `npm run build` does) on a database of its own: the first-start token, the sandbox
 * domain, sendEmail, the stored message, the activity subscription — with only JSON on stdout.
 */
let build: string;
let dir: string;
let server: Spawned;
let base: string;
let token: string;
const database = `mailroom_test_${process.pid}_newcomer${Date.now()}`;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

beforeAll(async () => {
  build = buildServer('mailroom-newcomer-test');
  dir = mkdtempSync(join(tmpdir(), 'mailroom-newcomer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawnCollect(process.execPath, [join(build, 'dist', 'src', 'main.js')], build, {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: withDatabase(inject('adminDatabaseUrl'), database),
    MAILROOM_CREATE_DATABASE: 'true',
    MAILROOM_DATA_DIR: dir,
    LOG_LEVEL: 'info',
    DNS_SERVERS: '127.0.0.1:9',
  });
  [, token] = (await server.waitForOutput(/Admin API token \(shown once\):\s+(mr_live_\S+)/, 90_000)) as unknown as [string, string];
}, 150_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGTERM');
  await server?.exited;
  const c = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await c.connect();
  await c.query(`drop database if exists "${database}" with (force)`).catch(() => undefined);
  await c.end();
  rmSync(dir, { recursive: true, force: true });
  rmSync(build, { recursive: true, force: true });
});

describe('the newcomer’s first session (README), on the built server', () => {
  it('first-start token → sandbox domain → sendEmail → message(id) { status raw } → the activity subscription', { timeout: 90_000 }, async () => {
    // Ready: database, migrations, LISTEN, and the worker this process runs.
    await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
    expect(((await (await fetch(`${base}/readyz`)).json()) as any).checks.worker).toEqual({ ok: true });
    expect(((await (await fetch(`${base}/`)).json()) as any).graphql).toBe(`http://localhost:${new URL(base).port}/graphql`);

    const domains = await gql('{ domains { edges { node { name status sandbox } } } }');
    expect(domains.domains.edges.map((e: any) => e.node)).toEqual([{ name: 'sandbox.mailroom.localhost', status: 'VERIFIED', sandbox: true }]);

    // GraphiQL's activity tab: a live subscription over graphql-ws.
    const ws = wsSession(base, token);
    const live = ws.subscribe('subscription { activity { type recipient message { id } } }');
    await ws.connected;
    await new Promise((r) => setTimeout(r, 500));

    const sent = await gql('mutation SendFirst($i: SendEmailInput!) { sendEmail(input: $i) { messages { id status } } }', {
      i: { from: { email: 'hello@sandbox.mailroom.localhost' }, to: [{ email: 'me@example.com' }], subject: 'My first Mailroom e-mail', text: 'Hello from the sandbox' },
    });
    const id = sent.sendEmail.messages[0].id;
    let message: any;
    await expect
      .poll(
        async () => {
          message = (await gql('query($id: ID!) { message(id: $id) { status raw } }', { id })).message;
          return message.status;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe('SENT');
    expect(message.raw).toContain('Subject: My first Mailroom e-mail');
    expect(message.raw).toContain('DKIM-Signature:');

    await expect.poll(() => live.items.filter((e) => e.activity.message?.id === id).map((e) => e.activity.type), { timeout: 15_000 }).toEqual(['QUEUED', 'SENT']);
    expect(live.items[0].activity.recipient).toBe('me@example.com');
    await ws.close();

    const m = await scrape(base);
    expect(m.value('mailroom_deliveries_total', { outcome: 'SENT' })).toBe(1);
    expect(m.value('mailroom_http_requests_total', { operation: 'mutation sendEmail', outcome: 'OK' })).toBe(1);
    expect(m.histogramCount('mailroom_job_duration_seconds', { task: 'deliver-message' })).toBeGreaterThanOrEqual(1);

    // Only JSON on stdout (jq works); the token only in the stderr banner.
    const lines = server.stdout().split('\n').filter(Boolean);
    for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requests.find((l) => l.operation === 'mutation SendFirst')).toMatchObject({ level: 30, transport: 'http', outcome: 'OK', status: 200, principal: { kind: 'API_TOKEN' } });
    // The job worker's per-job lines are debug, not info.
    expect(lines.filter((l) => /Completed task|Started task/.test(l))).toEqual([]);
    expect(server.stdout()).not.toContain(token);
    expect(server.stderr()).toContain(token);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
