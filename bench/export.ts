import 'reflect-metadata';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { systemEm } from '../src/context';
import { rowScope } from '../src/auth/scope';
import { createAccountWithAdminToken } from '../src/modules/accounts/bootstrap';
import { Domain } from '../src/modules/domains/domain.entity';
import { DomainStatus } from '../src/modules/domains/domain.types';
import { activityExportQuery } from '../src/modules/exports/activity-export.queries';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { toGlobalId } from '../src/graphql/global-id';
import { encrypt } from '../src/lib/crypto';
import { generateDkimKeyPair } from '../src/modules/domains/domain.service';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SMALL = Number(process.env.BENCH_SMALL_EVENTS ?? 100_000);
const PER_MESSAGE = 10;

interface World {
  accountId: string;
  token: string;
  small: string;
}

/** Seeds one account: tenant "big" with EVENTS − SMALL events and tenant "small" with SMALL, 10 per message, straight by SQL. */
async function seed(app: App): Promise<World> {
  const { account, secret } = await createAccountWithAdminToken(app.orm, 'Export bench agency');
  const em = systemEm(app.orm);
  const keys = await generateDkimKeyPair();
  const tenants: Tenant[] = [];
  for (const name of ['big', 'small']) {
    const t = em.create(Tenant, { account: account.id, name, tag: `${name}-${Date.now().toString(36)}` });
    await em.flush();
    em.create(Domain, {
      account: account.id,
      tenant: t.id,
      name: `${name}-${Date.now().toString(36)}.bench.example`,
      status: DomainStatus.VERIFIED,
      dkimSelector: 'mr1',
      dkimPublicKey: keys.publicKey,
      dkimPrivateKeyEncrypted: encrypt(app.config.secret, keys.privateKeyPem),
      returnPathSubdomain: 'mr',
      dnsRecords: [],
      recheckUntil: new Date(),
      verifiedAt: new Date(),
    });
    await em.flush();
    tenants.push(t);
  }
  const fill = async (tenant: Tenant, events: number) => {
    const domain = await em.findOneOrFail(Domain, { tenant: tenant.id });
    const messages = Math.ceil(events / PER_MESSAGE);
    for (let from = 0; from < messages; from += 20_000) {
      const n = Math.min(20_000, messages - from);
      await em.execute(
        `with m as (
           insert into messages (id, created_at, updated_at, account_id, tenant_id, domain_id, from_email, recipient, addressing, subject, html, text, headers, tags, status, verp_token)
           select gen_random_uuid(), now() - (i % 28) * interval '1 day', now(), ?, ?, ?, 'news@bench.example', 'r' || i || '@inbox.example.net', '{"to":[],"cc":[]}', 'Subject ' || i, '<p>body</p>', 'body', '{}', '{newsletter}', 'DELIVERED', md5(random()::text || i)
           from generate_series(?::int, ?::int) i returning id, created_at, recipient)
         insert into activity_events (occurred_at, type, account_id, message_id, tenant_id, domain_id, recipient, tags, data)
         select m.created_at + k * interval '1 minute', (array['QUEUED','SENT','DELIVERED','OPENED','OPENED_UNIQUE','CLICKED','CLICKED_UNIQUE','OPENED','CLICKED','OPENED'])[k + 1],
           ?, m.id, ?, ?, m.recipient, '{newsletter}',
           case when k >= 3 then jsonb_build_object('ip', '192.0.2.' || (k * 7 % 250), 'userAgent', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)', 'country', 'DE', 'client', 'Apple Mail', 'url', 'https://shop.example/p/' || k)
                else jsonb_build_object('response', '250 2.0.0 OK queued as ABC' || k) end
         from m cross join generate_series(0, ${PER_MESSAGE - 1}) k`,
        [account.id, tenant.id, domain.id, from, from + n - 1, account.id, tenant.id, domain.id],
      );
    }
  };
  await fill(tenants[0], EVENTS - SMALL);
  await fill(tenants[1], SMALL);
  await em.execute('analyze messages');
  await em.execute('analyze activity_events');
  return { accountId: account.id, token: secret, small: toGlobalId('Tenant', tenants[1].id) };
}

interface Run {
  rows: number;
  bytes: number;
  seconds: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  heapPeakMb: number;
}

/** Samples RSS every 50 ms while `work` runs; returns the peak (MB) and the work's result. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ peak: number; before: number; heapPeak: number; result: T }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  let heapPeak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await work();
    sample();
    return { peak: peak / 2 ** 20, before: before / 2 ** 20, heapPeak: heapPeak / 2 ** 20, result };
  } finally {
    clearInterval(timer);
  }
}

/** Asks for an export link over GraphQL and downloads it over HTTP, counting rows (lines) and bytes as they stream. */
async function exportOnce(app: App, w: World, format: 'CSV' | 'JSON', filter: Record<string, unknown> | null): Promise<Run> {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${w.token}` },
    body: JSON.stringify({ query: 'mutation($i: ExportActivityInput!) { exportActivity(input: $i) { url } }', variables: { i: { format, filter } } }),
  });
  const url = ((await res.json()) as { data: { exportActivity: { url: string } } }).data.exportActivity.url;
  const { peak, before, heapPeak, result } = await withPeakRss(async () => {
    const started = performance.now();
    const file = await fetch(`${app.url}${new URL(url).pathname}`);
    let lines = 0;
    let bytes = 0;
    for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    }
    return { lines, bytes, seconds: (performance.now() - started) / 1000 };
  });
  // CSV: a header line and one line per row (\r\n); JSON: "[", one line per row, "]".
  const rows = format === 'CSV' ? result.lines - 1 : result.lines - 2;
  return { rows, bytes: result.bytes, seconds: result.seconds, rssBeforeMb: before, rssPeakMb: peak, heapPeakMb: heapPeak };
}

/** The baseline: the same SQL read through the same server-side cursor on one connection, rows dropped. */
async function bareCursor(app: App, w: World): Promise<{ rows: number; seconds: number }> {
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  try {
    const scope = rowScope({ accountId: w.accountId, allDomains: true, templateIds: null, tenantIds: [], domainIds: [], identityIds: [] } as never);
    const none = { tenantId: null, domainIds: null, senderIdentityIds: null, messageId: null, types: null, tags: null, recipient: null, from: null, to: null };
    const { sql, params } = activityExportQuery(scope, none);
    const started = performance.now();
    let rows = 0;
    for await (const _ of client.query(new QueryStream(sql, params, { batchSize: 1000 }))) rows++;
    return { rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench' },
    { port: 0, host: '127.0.0.1', runWorker: false, bootstrapToken: null, rateLimitApiPerCredential: 0 },
  );
  const app = await createApp(config);
  try {
    const t0 = performance.now();
    const w = await seed(app);
    console.log(`seeded ${EVENTS} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const base = await bareCursor(app, w);
    const small = await exportOnce(app, w, 'CSV', { tenantId: w.small });
    const csv = await exportOnce(app, w, 'CSV', null);
    const json = await exportOnce(app, w, 'JSON', null);
    const mb = (n: number) => (n / 2 ** 20).toFixed(0);
    const line = (name: string, r: Run) =>
      `| ${name} | ${r.rows} | ${mb(r.bytes)} | ${r.seconds.toFixed(1)} | ${Math.round(r.rows / r.seconds)} | ${(r.rows / r.seconds / (base.rows / base.seconds)).toFixed(2)} | ${r.rssBeforeMb.toFixed(0)} → ${r.rssPeakMb.toFixed(0)} | ${r.heapPeakMb.toFixed(0)} |`;
    console.log(`\n${new Date().toISOString()} — export\n`);
    console.log(
      [
        '| path | rows | MB | seconds | rows/s | × cursor | RSS MB (before → peak) | peak heap MB |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        `| bare server-side cursor, same SQL, rows dropped (baseline) | ${base.rows} | | ${base.seconds.toFixed(1)} | ${Math.round(base.rows / base.seconds)} | 1.00 | | |`,
        line('exportActivity CSV, one tenant (100k)', small),
        line('exportActivity CSV, whole account (1M)', csv),
        line('exportActivity JSON, whole account (1M)', json),
      ].join('\n'),
    );
  } finally {
    await app.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
