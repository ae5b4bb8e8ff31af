import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { Permission } from '../src/auth/permissions';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { systemEm } from '../src/context';
import { generateSecret } from '../src/auth/token-format';
import { sha256 } from '../src/lib/crypto';
import { createAccountWithAdminToken } from '../src/modules/accounts/bootstrap';
import { ActivityEventType } from '../src/events/event-type';
import { insertEvents } from '../src/events/events.queries';
import { toSealedGlobalId } from '../src/graphql/global-id';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { Domain } from '../src/modules/domains/domain.entity';
import { DomainStatus } from '../src/modules/domains/domain.types';
import { Message } from '../src/modules/sending/message.entity';
import { Tenant } from '../src/modules/tenants/tenant.entity';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
/** Events sent first on each path and not measured (JIT, the first feed reads, the GC after thousands of sockets opened). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const SIZES = (process.env.BENCH_SUBSCRIBERS ?? '1000,5000,10000').split(',').map(Number);
const now = () => performance.timeOrigin + performance.now();

interface Result {
  deliveries: number;
  p50: number;
  p99: number;
  perSecond: number;
  /** Server heap and RSS growth per open subscribed socket, kB. */
  heapPerSocketKb?: number;
  rssPerSocketKb?: number;
}

/** Heap and RSS of this (the server's) process after a full GC, when --expose-gc is on. */
function memory(): { heap: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

function ask<T>(child: ChildProcess, msg: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

async function waitForDeliveries(child: ChildProcess, expected: number, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await ask<number>(child, { count: true }, 'deliveries')) >= expected) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function clients(): ChildProcess {
  return fork(join(__dirname, 'fanout-clients.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Seeds two tenants with a domain, a message and a tenant-scoped ACTIVITY_READ token each. */
async function seed(app: Awaited<ReturnType<typeof createApp>>) {
  const { account } = await createAccountWithAdminToken(app.orm, 'Fan-out agency');
  const em = systemEm(app.orm);
  const out: { token: string; message: Message }[] = [];
  for (const name of ['a', 'b']) {
    const tenant = em.create(Tenant, { account, name, tag: `${name}-${account.id.slice(0, 8)}` });
    const domain = em.create(Domain, {
      account,
      tenant,
      name: `${name}-${account.id.slice(0, 8)}.example.com`,
      status: DomainStatus.VERIFIED,
      dkimSelector: 'mr1',
      dkimPublicKey: 'x',
      dkimPrivateKeyEncrypted: 'x',
      returnPathSubdomain: 'mr',
      dnsRecords: [],
      recheckUntil: new Date(),
    });
    const message = em.create(Message, { account, tenant, domain, fromEmail: `hi@${domain.name}`, recipient: `r@${name}.example.net`, verpToken: `${name}${account.id}` });
    const token = generateSecret('api');
    em.create(ApiToken, { account, name, permissions: [Permission.ACTIVITY_READ], tenant, secretHash: sha256(token), preview: 'x' });
    out.push({ token, message });
  }
  await em.flush();
  return out;
}

async function runGraphql(app: Awaited<ReturnType<typeof createApp>>, subscribers: number): Promise<Result & { intervalMs: number; offsets: number[] }> {
  const [a, b] = await seed(app);
  const child = clients();
  const before = memory();
  await ask(child, { start: { url: `${app.url.replace('http', 'ws')}/graphql`, mode: 'graphql', tokens: [a.token, b.token], count: subscribers } }, 'ready');
  await new Promise((r) => setTimeout(r, 500));
  const after = memory();
  const em = systemEm(app.orm);
  /** Commits one DELIVERED event of tenant a or b (alternately) in its own transaction; its global id. */
  const commit = async (i: number): Promise<string> => {
    const m = i % 2 === 0 ? a.message : b.message;
    const [row] = await insertEvents(em, [
      {
        type: ActivityEventType.DELIVERED,
        accountId: m.account.id,
        messageId: m.id,
        tenantId: m.tenant!.id,
        domainId: m.domain.id,
        senderIdentityId: null,
        recipient: m.recipient,
        tags: [],
        data: {},
      },
    ]);
    return toSealedGlobalId(app.config.secret, 'ActivityEvent', row.accountId, row.id);
  };
  for (let i = 0; i < WARMUP; i++) await commit(i);
  await waitForDeliveries(child, (WARMUP * subscribers) / 2);
  const committed: Record<string, number> = {};
  const startedAt = now();
  for (let i = 0; i < EVENTS; i++) {
    const id = await commit(i);
    committed[id] = now();
  }
  const intervalMs = (now() - startedAt) / EVENTS;
  const offsets = Object.values(committed).map((at) => at - startedAt);
  await waitForDeliveries(child, ((WARMUP + EVENTS) * subscribers) / 2);
  const result = await ask<Result>(child, { report: committed }, 'result');
  child.kill();
  return { ...result, intervalMs, offsets, heapPerSocketKb: (after.heap - before.heap) / subscribers / 1024, rssPerSocketKb: (after.rss - before.rss) / subscribers / 1024 };
}

/**
 * The baseline: the same payloads broadcast by a bare `ws` server to the same sockets, each event at the
 * moment (from the start) its commit came in the measured run — a schedule, so the time the sends take
 * does not slow the pace; the warm-up events go `intervalMs` apart.
 */
async function runBare(subscribers: number, intervalMs: number, offsets: readonly number[]): Promise<Result> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  const child = clients();
  // The previous run's sockets close asynchronously: let them go before the baseline's memory is taken.
  await new Promise((r) => setTimeout(r, 2000));
  const before = memory();
  await ask(child, { start: { url: `ws://127.0.0.1:${port}`, mode: 'bare', tokens: ['', ''], count: subscribers } }, 'ready');
  const after = memory();
  const sockets = [...wss.clients];
  // The same shape and size as a graphql-ws `next`, to half of the sockets (one tenant's share).
  const send = (i: number, id: string): void => {
    const payload = JSON.stringify({ id, type: 'next', payload: { data: { activity: { id, type: 'DELIVERED', occurredAt: new Date().toISOString(), recipient: 'r@a.example.net' } } } });
    sockets.forEach((ws, k) => k % 2 === i % 2 && ws.send(payload));
  };
  for (let i = 0; i < WARMUP; i++) {
    send(i, `w${i}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  await waitForDeliveries(child, (WARMUP * subscribers) / 2);
  const sent: Record<string, number> = {};
  const startedAt = now();
  for (let i = 0; i < EVENTS; i++) {
    const wait = startedAt + offsets[i] - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const id = `e${i}`;
    sent[id] = now();
    send(i, id);
  }
  await waitForDeliveries(child, ((WARMUP + EVENTS) * subscribers) / 2);
  const result = await ask<Result>(child, { report: sent }, 'result');
  child.kill();
  await new Promise((r) => wss.close(r));
  return { ...result, heapPerSocketKb: (after.heap - before.heap) / subscribers / 1024, rssPerSocketKb: (after.rss - before.rss) / subscribers / 1024 };
}

async function main(): Promise<void> {
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench' },
    { port: 0, host: '127.0.0.1', runWorker: false, bootstrapToken: null, wsMaxSocketsPerCredential: 100_000, rateLimitApiPerCredential: 0 },
  );
  const app = await createApp(config);
  const rows: string[] = [];
  try {
    for (const n of SIZES) {
      const gql = await runGraphql(app, n);
      const bare = await runBare(n, gql.intervalMs, gql.offsets);
      for (const [name, r] of [
        ['bare ws broadcast (baseline)', bare],
        ['graphql-ws activity subscription', gql],
      ] as const) {
        rows.push(
          `| ${n} | ${name} | ${r.deliveries} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.heapPerSocketKb ?? 0).toFixed(1)} | ${(r.rssPerSocketKb ?? 0).toFixed(1)} |`,
        );
      }
    }
  } finally {
    await app.stop();
  }
  console.log(
    `\n${new Date().toISOString()} — ${EVENTS} events measured after ${WARMUP} not measured on each path, half to each of two tenants, each committed in its own transaction; the baseline sends the same payloads at the same pace; subscribers split evenly; clients in a separate process\n`,
  );
  console.log(
    ['| subscribers | path | deliveries | deliveries/s | p50 ms | p99 ms | heap kB/socket | RSS kB/socket |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |', ...rows].join('\n'),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
