import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createAccountWithAdminToken } from '../src/modules/accounts/bootstrap';
import { seedDashboard } from './seed';

const DURATION = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

/** The agency dashboard: 25 tenants, each with its domains, their templates and sender identities. */
export const DASHBOARD = `query Dashboard {
  tenants(first: 25) {
    totalCount
    edges { node {
      id name tag
      senderIdentities { id email status }
      domains { id name status templates { id name subject } senderIdentities { id email } }
    } }
  }
}`;

const FLOOR = '{ __typename }';

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  sqlPerRequest: number;
  errors: number;
}

async function run(url: string, token: string, query: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
}

async function main(): Promise<void> {
  let queries = 0;
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench' },
    // The API limiter stays on (every request is counted) with a limit above the benchmark's rate.
    { port: 0, host: '127.0.0.1', runWorker: false, bootstrapToken: null, rateLimitApiPerCredential: 100_000_000 },
  );
  const app = await createApp(config, { onQuery: () => void queries++ });
  try {
    const { account, secret } = await createAccountWithAdminToken(app.orm, 'Bench agency');
    await seedDashboard(app.orm, account.id, config.secret, { tenants: 25, domainsPerTenant: 4, templatesPerDomain: 5, identitiesPerTenant: 2 });
    const rows: Row[] = [];
    for (const [name, query] of [
      ['{ __typename } (floor)', FLOOR],
      ['dashboard (25 tenants × 4 domains × 5 templates)', DASHBOARD],
    ] as const) {
      const check = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ query }) });
      const body = (await check.json()) as { errors?: unknown; data?: { tenants?: { edges: unknown[] } } };
      if (body.errors) throw new Error(`${name}: ${JSON.stringify(body.errors)}`);
      queries = 0;
      await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body: JSON.stringify({ query }) });
      const sqlPerRequest = queries;
      await run(app.url, secret, query, WARMUP);
      const r = await run(app.url, secret, query, DURATION);
      rows.push({ name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, sqlPerRequest, errors: r.errors + r.non2xx });
    }
    const table = [
      '| query | req/s | p50 ms | p99 ms | SQL statements / request | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.sqlPerRequest} | ${r.errors} |`),
    ].join('\n');
    console.log(`\n${new Date().toISOString()} — ${CONNECTIONS} connections, ${WARMUP} s warm-up, ${DURATION} s run, database: ${config.databaseUrl ? 'DATABASE_URL' : 'embedded'}\n\n${table}\n`);
    mkdirSync(join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
    writeFileSync(
      join(__dirname, '..', '..', 'bench', 'results', 'dashboard-latest.json'),
      JSON.stringify({ at: new Date().toISOString(), connections: CONNECTIONS, seconds: DURATION, rows }, null, 2) + '\n',
    );
  } finally {
    await app.stop();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
