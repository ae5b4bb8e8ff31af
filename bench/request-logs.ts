import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type App, createApp } from '../src/app';
import { type Config, loadConfig } from '../src/config';
import { createAccountWithAdminToken } from '../src/modules/accounts/bootstrap';
import { DASHBOARD } from './dashboard';
import { seedDashboard } from './seed';
import { postgresCpuMs } from './support';

const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** Rounds of (off, on) per query: taking turns evens out a machine whose load moves. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

/** `BENCH_QUERIES=floor` (or `dashboard`) runs only that one. */
const ONLY = process.env.BENCH_QUERIES?.split(',').map((q) => q.trim());
const QUERIES = (
  [
    ['floor', '{ __typename }'],
    ['dashboard', DASHBOARD],
  ] as const
).filter(([name]) => !ONLY || ONLY.includes(name));

function configFor(requestLogs: boolean): Config {
  return loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench' },
    // The API limiter stays on (every request is counted) with a limit above the benchmark's rate.
    { port: 0, host: '127.0.0.1', runWorker: false, bootstrapToken: null, rateLimitApiPerCredential: 100_000_000, requestLogs },
  );
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** This process's CPU (server and load generator) per request, µs. */
  nodeUs: number;
  /** PostgreSQL's CPU per request, µs (null where /proc is not readable). */
  postgresUs: number | null;
}

async function rps(app: App, token: string, query: string, seconds: number): Promise<Run> {
  // The database's own backends of this run: those connected to its database (other work on the same server is not counted).
  const pids = (await app.orm.em.fork().execute<{ pid: number }[]>('select pid from pg_stat_activity where datname = current_database()')).map((r) => r.pid);
  const cpu = process.cpuUsage();
  const pg = postgresCpuMs(pids);
  const r = await autocannon({
    url: `${app.url}/graphql`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const d = process.cpuUsage(cpu);
  const pgAfter = postgresCpuMs(pids);
  const n = Math.max(1, r.requests.total);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    nodeUs: Math.round((d.user + d.system) / n),
    postgresUs: pg === null || pgAfter === null ? null : Math.round(((pgAfter - pg) * 1000) / n),
  };
}

/**
 * The dashboard and floor queries with request logging on and off (REQUEST_LOGS), on the same database
 * and rows, one server at a time, taking turns ROUNDS times; prints each run and the on/off ratio of
 * the averages (goal ≥ 0.95), and writes bench/results/request-logs-latest.json.
 */
async function main(): Promise<void> {
  const seedApp = await createApp(configFor(false));
  const { account, secret } = await createAccountWithAdminToken(seedApp.orm, 'Bench agency (request logs)');
  await seedDashboard(seedApp.orm, account.id, seedApp.config.secret, { tenants: 25, domainsPerTenant: 4, templatesPerDomain: 5, identitiesPerTenant: 2 });
  await seedApp.stop();
  const results: ({ query: string; logging: 'on' | 'off'; round: number } & Run)[] = [];
  for (const [name, query] of QUERIES) {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const logging of ['off', 'on'] as const) {
        const app = await createApp(configFor(logging === 'on'));
        try {
          await rps(app, secret, query, WARMUP);
          const r = await rps(app, secret, query, DURATION);
          results.push({ query: name, logging, round, ...r });
          console.log(
            `${name} logging ${logging} round ${round}: ${r.rps.toFixed(1)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, CPU per request: node ${r.nodeUs} µs, PostgreSQL ${r.postgresUs ?? '?'} µs`,
          );
        } finally {
          await app.stop();
        }
      }
    }
  }
  const avg = (q: string, l: string, key: 'rps' | 'nodeUs' | 'postgresUs' = 'rps') => {
    const xs = results.filter((r) => r.query === q && r.logging === l).map((r) => r[key] ?? NaN);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const table = [
    '| query | logging off req/s | logging on req/s | on / off | node CPU µs/request off → on | PostgreSQL CPU µs/request off → on |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...QUERIES.map(
      ([q]) =>
        `| ${q} | ${avg(q, 'off').toFixed(1)} | ${avg(q, 'on').toFixed(1)} | ${(avg(q, 'on') / avg(q, 'off')).toFixed(3)} | ${avg(q, 'off', 'nodeUs').toFixed(0)} → ${avg(q, 'on', 'nodeUs').toFixed(0)} | ${avg(q, 'off', 'postgresUs').toFixed(0)} → ${avg(q, 'on', 'postgresUs').toFixed(0)} |`,
    ),
  ].join('\n');
  console.log(`\n${new Date().toISOString()} — ${CONNECTIONS} connections, ${WARMUP} s warm-up, ${DURATION} s per run, ${ROUNDS} rounds\n\n${table}\n`);
  mkdirSync(join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(__dirname, '..', '..', 'bench', 'results', 'request-logs-latest.json'),
    JSON.stringify({ at: new Date().toISOString(), connections: CONNECTIONS, seconds: DURATION, results }, null, 2) + '\n',
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
