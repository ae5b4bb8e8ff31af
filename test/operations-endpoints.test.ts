import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { readiness } from '../src/http/health';
import { removeJob } from '../src/jobs/queue';
import { startTestServer, type TestServer } from './support/harness';
import { scrape } from './support/prometheus';
import { wsSession } from './support/ws-client';

const METRICS_TOKEN = 'metrics-token-metrics-token-0001';
let s: TestServer;
/** A second app in this process: metrics behind a token, CORS for any origin. */
let guarded: TestServer;
let admin: string;
const logLines: Record<string, any>[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(l));
      cb();
    },
  });
  s = await startTestServer({ allowedOrigins: ['https://app.example.com'] }, { deps: { logger: pino({ level: 'info' }, sink) } });
  guarded = await startTestServer({ metricsToken: METRICS_TOKEN, allowedOrigins: ['*'] });
  admin = (await s.newAccount('Ops agency')).adminToken;
});
afterAll(async () => {
  await s?.stop();
  await guarded?.stop();
});

describe('liveness, readiness and the root page', () => {
  it('/livez answers while the process runs; /readyz names each check; /healthz still answers as before', async () => {
    const live = await fetch(`${s.url}/livez`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'live' });
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(200);
    // This test server runs no worker (MAILROOM_WORKER=off), so there is no worker check.
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true }, listen: { ok: true } } });
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('readiness names what is down: the LISTEN connection, a worker that stopped', async () => {
    const r = await readiness({ orm: s.app.orm, listening: () => false, worker: () => false });
    expect(r).toEqual({
      ready: false,
      checks: {
        database: { ok: true },
        migrations: { ok: true },
        listen: { ok: false, detail: 'the LISTEN connection is down (reconnecting)' },
        worker: { ok: false, detail: 'the job worker is not running' },
      },
    });
  });

  it('GET / points to /graphql', async () => {
    const res = await fetch(`${s.url}/`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.graphql).toBe(`${s.app.config.publicUrl}/graphql`);
    expect(body.health).toEqual({ live: '/livez', ready: '/readyz' });
  });
});

describe('/metrics', () => {
  it('counts and times GraphQL requests by operation and outcome, over HTTP and WebSocket, in the Prometheus text format', async () => {
    await s.gql('query Viewer { viewer { kind } }', {}, admin);
    await s.gql('query Viewer { viewer { kind } }', {}, admin);
    await s.gql('query Viewer { viewer { kind } }', {}, 'mr_live_not_a_real_token_at_all_000000');
    await s.gql('query Broken { tenant(id: "nope") { id } }', {}, admin);
    const ws = wsSession(s.url, admin);
    expect((await ws.run('query WsViewer { viewer { kind } }')).data).toEqual({ viewer: { kind: 'API_TOKEN' } });
    const live = ws.subscribe('subscription Live { activity { id } }');
    await ws.connected;
    await new Promise((r) => setTimeout(r, 200));

    const m = await scrape(s.url);
    expect(m.value('mailroom_http_requests_total', { operation: 'query viewer', outcome: 'OK' })).toBe(2);
    expect(m.value('mailroom_http_requests_total', { operation: 'unknown', outcome: 'UNAUTHENTICATED' })).toBeGreaterThanOrEqual(1);
    const broken = m.series('mailroom_http_requests_total', { operation: 'query tenant' });
    expect(broken).toHaveLength(1);
    expect(broken[0]!.labels!.outcome).not.toBe('OK');
    const hist = m.family('mailroom_http_request_duration_seconds')!;
    expect(hist.type).toBe('HISTOGRAM');
    expect(m.histogramCount('mailroom_http_request_duration_seconds', { operation: 'query viewer', outcome: 'OK' })).toBe(2);
    expect(m.value('mailroom_ws_operations_total', { operation: 'query viewer', outcome: 'OK' })).toBe(1);
    expect(m.value('mailroom_ws_open_sockets')).toBeGreaterThanOrEqual(1);
    expect(m.value('mailroom_ws_subscriptions')).toBeGreaterThanOrEqual(1);
    expect(live.errors).toEqual([]);
    await ws.close();
  });

  it('reads the queue depth by task and state, the database pool, and has the job, delivery and consumer-lag families', async () => {
    const task = `metrics-test-${process.pid}`;
    await s.app.deps.queue.add(systemEm(s.app.orm), task, {}, { runAt: new Date(Date.now() + 3_600_000), jobKey: `${task}-key` });
    try {
      const m = await scrape(s.url);
      expect(m.value('mailroom_job_queue_depth', { task, state: 'scheduled' })).toBe(1);
      const used = m.value('mailroom_db_pool_connections', { state: 'used' })!;
      const free = m.value('mailroom_db_pool_connections', { state: 'free' })!;
      expect(used + free).toBeGreaterThanOrEqual(1);
      for (const name of ['mailroom_job_duration_seconds', 'mailroom_jobs_total', 'mailroom_deliveries_total', 'mailroom_event_consumer_lag_events', 'mailroom_event_consumer_lag_seconds']) {
        expect(m.family(name), name).toBeDefined();
      }
      expect(m.family('mailroom_process_cpu_seconds_total')?.type).toBe('COUNTER');
    } finally {
      await removeJob(systemEm(s.app.orm), `${task}-key`);
    }
  });

  it('keeps a registry per app, and with METRICS_TOKEN answers 401 without the bearer token', async () => {
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-wrong-wrong-wrong-wrong' } })).status).toBe(401);
    const m = await scrape(guarded.url, METRICS_TOKEN);
    // The other app's requests are not counted here.
    expect(m.series('mailroom_http_requests_total', { operation: 'query viewer' })).toEqual([]);
    // Labels are schema names, never the names clients give their operations.
    expect((await fetch(`${s.url}/metrics`).then((r) => r.text())).match(/Viewer|WsViewer|Broken|LogMe/)).toBeNull();
  });
});

describe('request log lines', () => {
  it('writes one JSON line per request at info: request id, principal, operation, outcome, status, duration', async () => {
    const before = logLines.length;
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, 'x-request-id': 'req-log-test-1' },
      body: JSON.stringify({ query: 'query LogMe { viewer { kind tokenName } }' }),
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const lines = logLines.slice(before).filter((l) => l.msg === 'request' && l.requestId === 'req-log-test-1');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({ level: 30, transport: 'http', operation: 'query LogMe', outcome: 'OK', status: 200, principal: { kind: 'API_TOKEN', name: 'Admin (bootstrap)' } });
    expect(typeof line!.principal.tokenId).toBe('string');
    expect(line!.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(line)).not.toContain(admin);
  });
});

describe('CORS for /graphql (MAILROOM_ALLOWED_ORIGINS)', () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

  it('answers a listed origin’s preflight and requests with that origin and credentials; refuses another origin', async () => {
    const ok = await preflight(s.url, 'https://app.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    const post = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { origin: 'https://app.example.com', 'content-type': 'application/json' }, body: '{"query":"{ viewer { kind } }"}' });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const foreign = await preflight(s.url, 'https://evil.example.net');
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await foreign.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
    const foreignPost = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://evil.example.net', 'content-type': 'application/json' },
      body: '{"query":"{ viewer { kind } }"}',
    });
    expect(foreignPost.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with * allows any origin, never with credentials', async () => {
    const res = await preflight(guarded.url, 'https://anything.example.org');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('applies the same origins to WebSocket upgrades', async () => {
    const listed = wsSession(s.url, admin, { origin: 'https://app.example.com' });
    expect((await listed.run('{ viewer { kind } }')).data).toEqual({ viewer: { kind: 'API_TOKEN' } });
    await listed.close();
    const foreign = wsSession(s.url, admin, { origin: 'https://evil.example.net' });
    expect(await foreign.closedWith).not.toBe(1000);
    const wildcard = wsSession(guarded.url, null, { origin: 'https://anything.example.org' });
    expect((await wildcard.run('{ viewer { kind } }')).data).toEqual({ viewer: { kind: 'PUBLIC' } });
    await wildcard.close();
  });
});
