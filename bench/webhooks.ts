import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { Agent, request } from 'undici';
import { createApp, type App } from '../src/app';
import { type Config, loadConfig } from '../src/config';
import { systemEm } from '../src/context';
import { ActivityEventType } from '../src/events/event-type';
import { insertEvents } from '../src/events/events.queries';
import { createAccountWithAdminToken } from '../src/modules/accounts/bootstrap';
import { Domain } from '../src/modules/domains/domain.entity';
import { DomainStatus } from '../src/modules/domains/domain.types';
import { messageEvent } from '../src/modules/sending/message-event';
import { Message } from '../src/modules/sending/message.entity';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { generateWebhookSecret, signedHeaders } from '../src/modules/webhooks/signing';
import { type WebhookTarget, webhookReceives } from '../src/modules/webhooks/webhook-fanout';
import { toGlobalId } from '../src/graphql/global-id';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BATCH = 500;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 900) * 1000;

/**
 * A loopback receiver on `ports` ports of 127.0.0.1 (one origin per webhook, as real endpoints are):
 * answers 200 (or 500 on paths in `failing`), notes when each delivery arrived.
 */
async function startReceiver(ports: number): Promise<{ urls: string[]; failing: Set<string>; arrivals: Map<string, { at: number; batch: number }[]>; close(): Promise<void> }> {
  const arrivals = new Map<string, { at: number; batch: number }[]>();
  const failing = new Set<string>();
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const fail = failing.has(path);
      if (!fail) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { event?: { details?: { batch?: number } } } };
        const batch = body.data?.event?.details?.batch;
        // Test pings (sent on save) carry no batch: they are not part of the run.
        if (typeof batch === 'number') {
          const list = arrivals.get(path) ?? [];
          list.push({ at: performance.now(), batch });
          arrivals.set(path, list);
        }
      }
      res.writeHead(fail ? 500 : 200).end('ok');
    });
  };
  const servers: Server[] = [];
  for (let i = 0; i < ports; i++) {
    const server = createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
  }
  return {
    urls: servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`),
    failing,
    arrivals,
    close: async () => {
      for (const s of servers) await new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));
    },
  };
}

/** This process's CPU time (user + system) since `since`, per item, in µs: less sensitive to a shared machine than wall time. */
const cpuPer = (since: NodeJS.CpuUsage, items: number) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / items;
};

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

interface World {
  accountId: string;
  token: string;
  messages: Message[];
}

async function seed(app: App): Promise<World> {
  const { account, secret } = await createAccountWithAdminToken(app.orm, 'Webhook bench agency');
  const em = systemEm(app.orm);
  const tenants = [0, 1].map((i) => em.create(Tenant, { account, name: `Client ${i}`, tag: `wb${i}-${account.id.slice(0, 8)}` }));
  const domains = [0, 1, 2, 3].map((i) =>
    em.create(Domain, {
      account,
      tenant: tenants[i >> 1],
      name: `d${i}-${account.id.slice(0, 8)}.example.com`,
      status: DomainStatus.VERIFIED,
      dkimSelector: 'mr1',
      dkimPublicKey: 'x',
      dkimPrivateKeyEncrypted: 'x',
      returnPathSubdomain: 'mr',
      dnsRecords: [],
      recheckUntil: new Date(),
    }),
  );
  const messages = domains.map((d, i) =>
    em.create(Message, { account, tenant: d.tenant, domain: d, fromEmail: `hi@${d.name}`, recipient: `r${i}@example.net`, subject: 'Bench', verpToken: `wb${i}-${account.id}` }),
  );
  await em.flush();
  return { accountId: account.id, token: secret, messages };
}

/** Ten webhooks of mixed scopes: 2 account, 3 tenant, 5 domain (some only for DELIVERED). Returns their targets (for counting) by path. */
async function createWebhooks(app: App, w: World, bases: string[], run: string): Promise<Map<string, WebhookTarget>> {
  const d = (i: number) => toGlobalId('Domain', w.messages[i].domain.id);
  const t = (i: number) => toGlobalId('Tenant', w.messages[i * 2].tenant!.id);
  const specs: { events: string[]; domainId?: string; tenantId?: string }[] = [
    { events: ['ACTIVITY_SENT', 'ACTIVITY_DELIVERED'] },
    { events: ['ACTIVITY_DELIVERED'] },
    { events: ['ACTIVITY_SENT', 'ACTIVITY_DELIVERED'], tenantId: t(0) },
    { events: ['ACTIVITY_SENT', 'ACTIVITY_DELIVERED'], tenantId: t(1) },
    { events: ['ACTIVITY_DELIVERED'], tenantId: t(0) },
    ...[0, 1, 2, 3].map((i) => ({ events: ['ACTIVITY_SENT', 'ACTIVITY_DELIVERED'], domainId: d(i) })),
    { events: ['ACTIVITY_DELIVERED'], domainId: d(0) },
  ];
  const out = new Map<string, WebhookTarget>();
  for (const [i, spec] of specs.entries()) {
    const path = `/${run}/w${i}`;
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${w.token}` },
      body: JSON.stringify({
        query: 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id enabled } } }',
        variables: { i: { name: path, url: `${bases[i]}${path}`, ...spec } },
      }),
    });
    const body = (await res.json()) as { data?: { createWebhook: { webhook: { id: string; enabled: boolean } } }; errors?: unknown };
    if (!body.data?.createWebhook.webhook.enabled) throw new Error(`createWebhook failed: ${JSON.stringify(body)}`);
    const id = Buffer.from(body.data.createWebhook.webhook.id, 'base64url').toString().split(':')[1];
    const m = spec.domainId ? w.messages.find((x) => toGlobalId('Domain', x.domain.id) === spec.domainId)! : null;
    const tenant = spec.tenantId ? Buffer.from(spec.tenantId, 'base64url').toString().split(':')[1] : null;
    out.set(path, { id, accountId: w.accountId, tenantId: tenant, domainId: m?.domain.id ?? null, url: `${bases[i]}${path}`, events: spec.events as WebhookTarget['events'] });
  }
  return out;
}

/** Commits EVENTS events (over the 4 domains, SENT and DELIVERED on each) in batches; returns commit times per batch and the events. */
async function commitEvents(app: App, w: World): Promise<{ committedAt: number[]; events: ReturnType<typeof messageEvent>[] }> {
  const committedAt: number[] = [];
  const all: ReturnType<typeof messageEvent>[] = [];
  for (let b = 0; b * BATCH < EVENTS; b++) {
    const events = Array.from({ length: Math.min(BATCH, EVENTS - b * BATCH) }, (_, i) =>
      messageEvent(w.messages[i % 4], (i >> 2) % 2 ? ActivityEventType.DELIVERED : ActivityEventType.SENT, { batch: b }),
    );
    await insertEvents(systemEm(app.orm), events);
    committedAt[b] = performance.now();
    all.push(...events);
  }
  return { committedAt, events: all };
}

/** One fan-out run; `failingPath` answers 500 throughout. Returns deliveries/s and latency of the healthy endpoints. */
async function fanOutRun(app: App, w: World, rx: Awaited<ReturnType<typeof startReceiver>>, run: string, failingPath: string | null) {
  const hooks = await createWebhooks(app, w, rx.urls, run);
  if (failingPath) rx.failing.add(`/${run}${failingPath}`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { committedAt, events } = await commitEvents(app, w);
  const expected = new Map([...hooks].map(([path, h]) => [path, events.filter((e) => webhookReceives(h, { ...e, id: '0', occurredAt: new Date() })).length]));
  const healthy = [...hooks.keys()].filter((p) => !rx.failing.has(p));
  const want = healthy.reduce((n, p) => n + expected.get(p)!, 0);
  const count = () => healthy.reduce((n, p) => n + (rx.arrivals.get(p)?.length ?? 0), 0);
  while (count() < want) {
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`${run}: ${count()} of ${want} deliveries in ${TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const got = (p: string) => rx.arrivals.get(p) ?? [];
  const last = Math.max(...healthy.flatMap((p) => got(p).map((a) => a.at)));
  const latencies = healthy.flatMap((p) => got(p).map((a) => a.at - committedAt[a.batch]));
  if (process.env.BENCH_DEBUG) console.log(run, [...expected].map(([p, n]) => `${p}: ${got(p).length}/${n}`).join(', '));
  return { deliveries: want, seconds: (last - started) / 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuUs: cpuPer(cpu, want) };
}

/** What one delivery sent: where, its `webhook-id`, its body. */
interface SentRequest {
  url: string;
  messageId: string;
  body: string;
}

/** The requests a run's deliveries made (the successful ones), in creation order: what the bare loop sends again. */
async function sentRequests(app: App, accountId: string): Promise<SentRequest[]> {
  const rows = await systemEm(app.orm)
    .fork()
    .execute<{ url: string; message_id: string; body: string }[]>(
      `select url, message_id, body from webhook_deliveries where account_id = ? and status = 'SUCCEEDED' and event_id is not null order by id`,
      [accountId],
    );
  // A query string of its own: the receiver files them apart from the run's arrivals.
  return rows.map((r) => ({ url: `${r.url}?bare`, messageId: r.message_id, body: r.body }));
}

/**
 * The baseline: the same signed POSTs — the run's own URLs, webhook-ids and bodies, signed afresh — with
 * undici, CONCURRENCY at a time, with the same per-origin connection limit; no database.
 */
async function bareLoop(requests: readonly SentRequest[], config: Config): Promise<{ seconds: number; cpuUs: number }> {
  const agent = new Agent({ connections: config.webhookEndpointConcurrency });
  const secret = generateWebhookSecret();
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const r = requests[next++];
        const headers = signedHeaders([secret], r.messageId, Math.floor(Date.now() / 1000), r.body);
        const res = await request(r.url, { method: 'POST', headers, body: r.body, dispatcher: agent });
        await res.body.text();
      }
    }),
  );
  const cpuUs = cpuPer(cpu, requests.length);
  await agent.close();
  return { seconds: (performance.now() - started) / 1000, cpuUs };
}

async function main(): Promise<void> {
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench', MAILROOM_WEBHOOK_ALLOW_PRIVATE: 'true', MAILROOM_WEBHOOK_ALLOW_HTTP: 'true' },
    { port: 0, host: '127.0.0.1', runWorker: true, bootstrapToken: null, workerConcurrency: CONCURRENCY },
  );
  const rx = await startReceiver(10);
  const app = await createApp(config);
  try {
    // Each run has an account of its own: the first run's webhooks do not receive the second run's events.
    // The machine is shared: a bare loop right after each Mailroom run, and the load average of each phase, to read the ratios by.
    const load = () => loadavg()[0].toFixed(1);
    const healthyWorld = await seed(app);
    const healthy = await fanOutRun(app, healthyWorld, rx, 'healthy', null);
    const healthyLoad = load();
    let sent = await sentRequests(app, healthyWorld.accountId);
    // The last outcomes may still be committing.
    for (let i = 0; i < 50 && sent.length < healthy.deliveries; i++) {
      await new Promise((r) => setTimeout(r, 100));
      sent = await sentRequests(app, healthyWorld.accountId);
    }
    if (sent.length !== healthy.deliveries) throw new Error(`${sent.length} successful deliveries stored, ${healthy.deliveries} received`);
    const { seconds: bare, cpuUs: bareCpu } = await bareLoop(sent, config);
    const bareLoad = load();
    const failing = await fanOutRun(app, await seed(app), rx, 'failing', '/w5');
    const failingLoad = load();
    const { seconds: bareAfter, cpuUs: bareAfterCpu } = await bareLoop(sent, config);
    const bareAfterLoad = load();
    const rate = (r: { deliveries: number; seconds: number }) => r.deliveries / r.seconds;
    console.log(`\n${new Date().toISOString()} — ${EVENTS} events, 10 webhooks (2 account, 3 tenant, 5 domain), worker concurrency ${CONCURRENCY}\n`);
    console.log(
      [
        '| run (in this order) | deliveries | seconds | deliveries/s | commit → receipt p50 ms | p99 ms | ratio | this process CPU µs / delivery | load average (1 min) at its end |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        `| all endpoints answer 200 | ${healthy.deliveries} | ${healthy.seconds.toFixed(1)} | ${rate(healthy).toFixed(0)} | ${healthy.p50.toFixed(0)} | ${healthy.p99.toFixed(0)} | ${(rate(healthy) / (healthy.deliveries / bare)).toFixed(2)}× of the bare loop after it | ${healthy.cpuUs.toFixed(0)} | ${healthyLoad} |`,
        `| bare loop: same signed POSTs with undici, ${CONCURRENCY} at a time (baseline) | ${healthy.deliveries} | ${bare.toFixed(1)} | ${(healthy.deliveries / bare).toFixed(0)} | | | | ${bareCpu.toFixed(0)} | ${bareLoad} |`,
        `| one endpoint answers 500 (the other 9) | ${failing.deliveries} | ${failing.seconds.toFixed(1)} | ${rate(failing).toFixed(0)} | ${failing.p50.toFixed(0)} | ${failing.p99.toFixed(0)} | ${(rate(failing) / rate(healthy)).toFixed(2)}× of healthy (${(rate(failing) / (healthy.deliveries / bareAfter)).toFixed(2)}× of the bare loop after it) | ${failing.cpuUs.toFixed(0)} | ${failingLoad} |`,
        `| bare loop again | ${healthy.deliveries} | ${bareAfter.toFixed(1)} | ${(healthy.deliveries / bareAfter).toFixed(0)} | | | | ${bareAfterCpu.toFixed(0)} | ${bareAfterLoad} |`,
      ].join('\n'),
    );
  } finally {
    await app.stop();
    await rx.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
