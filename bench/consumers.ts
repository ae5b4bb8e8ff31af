import 'reflect-metadata';
import pg from 'pg';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { systemEm } from '../src/context';
import { startConsumers } from '../src/events/consumers';
import { toGlobalId } from '../src/graphql/global-id';
import { createAccountWithAdminToken } from '../src/modules/accounts/bootstrap';
import { generateDkimKeyPair } from '../src/modules/domains/domain.service';
import type { TaskDeps } from '../src/modules/module';
import { Message } from '../src/modules/sending/message.entity';
import { suppressionsConsumer } from '../src/modules/suppressions/suppressions.consumer';
import { SuppressionList, SuppressionSource } from '../src/modules/suppressions/suppression.enums';
import { insertEntries } from '../src/modules/suppressions/suppressions.queries';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { timed, verifiedDomain } from './support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const SENDS = Number(process.env.BENCH_SENDS ?? 600);
const SUPPRESSED = Number(process.env.BENCH_SUPPRESSED ?? 10_000);
const MESSAGES = 20_000;
/**
 * The mix of the backlog, per 200 events: a sender with poor list hygiene — 4 % soft bounces, 2 % hard
 * bounces, 1 % unsubscribes, 0.5 % complaints; the rest deliveries, opens and clicks, which the consumer skips.
 */
const MIX = [
  ...Array(145).fill('DELIVERED'),
  ...Array(30).fill('OPENED'),
  ...Array(11).fill('CLICKED'),
  ...Array(8).fill('SOFT_BOUNCED'),
  ...Array(4).fill('HARD_BOUNCED'),
  ...Array(2).fill('UNSUBSCRIBED'),
  'SPAM_COMPLAINT',
]
  .map((t, i) => ({ t, k: (i * 7919) % 200 }))
  .sort((a, b) => a.k - b.k)
  .map((x) => x.t);

const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : 0);

async function seed(app: App) {
  const { account, secret } = await createAccountWithAdminToken(app.orm, 'Consumer bench agency');
  const em = systemEm(app.orm);
  const tenant = em.create(Tenant, { account: account.id, name: 'Bench client', tag: `bench-${account.id.slice(0, 8)}` });
  const domain = verifiedDomain(app, em, await generateDkimKeyPair(), { account: account.id, tenant: tenant.id, name: `bench-${account.id.slice(0, 8)}.example.com` });
  const messages = Array.from({ length: MESSAGES }, (_, i) =>
    em.create(Message, { account: account.id, tenant: tenant.id, domain: domain.id, fromEmail: `news@${domain.name}`, recipient: `r${i}@inbox.bench.test`, verpToken: `v${i}-${account.id}` }),
  );
  await em.flush();
  return { accountId: account.id, tenantId: tenant.id, domain, messages, token: secret };
}

/** Part 1: the suppression consumer catching up a backlog, beside a bare keyset scan of the same rows. */
async function throughput(app: App, td: TaskDeps, client: pg.Client, w: Awaited<ReturnType<typeof seed>>): Promise<string[]> {
  const [{ max }] = (await client.query<{ max: string | null }>('select max(id)::text as max from activity_events')).rows;
  const start = max ?? '0';
  const at = new Date().toISOString();
  for (let i = 0; i < EVENTS; i += 1000) {
    const n = Math.min(1000, EVENTS - i);
    const values = Array.from({ length: n }, (_, k) => `($${k * 6 + 1}, $${k * 6 + 2}, $${k * 6 + 3}, $${k * 6 + 4}, $${k * 6 + 5}, $${k * 6 + 6}, '{}', '{"response":"550 5.1.1 bench"}')`).join(', ');
    const params = Array.from({ length: n }, (_, k) => {
      const m = w.messages[(i + k) % MESSAGES];
      return [at, MIX[(i + k) % MIX.length], w.accountId, m.id, w.tenantId, w.domain.id];
    }).flatMap((r) => r);
    await client.query(
      `insert into activity_events (occurred_at, type, account_id, message_id, tenant_id, domain_id, recipient, tags, data)
       select v.o::timestamptz, v.t, v.a::uuid, v.m::uuid, v.tn::uuid, v.d::uuid, m.recipient, v.tags::text[], v.data::jsonb
       from (values ${values}) as v(o, t, a, m, tn, d, tags, data) join messages m on m.id = v.m::uuid`,
      params,
    );
  }
  const scanStarted = performance.now();
  let cursor = start;
  let scanned = 0;
  for (;;) {
    const res = await client.query<{ id: string }>(
      'select e.id, e.occurred_at, e.type, e.account_id, e.message_id, e.tenant_id, e.domain_id, e.sender_identity_id, e.recipient, e.tags, e.data from activity_events e where e.id > $1 order by e.id limit 1000',
      [cursor],
    );
    if (res.rows.length === 0) break;
    scanned += res.rows.length;
    cursor = res.rows.at(-1)!.id;
  }
  const scan = (performance.now() - scanStarted) / 1000;

  await client.query("delete from event_consumers where name = 'suppressions'");
  const runStarted = performance.now();
  const runner = await startConsumers({ orm: app.orm, consumers: [{ ...suppressionsConsumer, startAfter: start }], deps: td, logger: td.deps.logger, pollMs: 50 });
  await runner.drain(600_000);
  const consumed = (performance.now() - runStarted) / 1000;
  await runner.stop();
  return [
    `| keyset scan, 1,000 rows a query (baseline) | ${scanned} | ${scan.toFixed(2)} | ${(scanned / scan).toFixed(0)} | 1.00 |`,
    `| suppression consumer from zero (batches of ${suppressionsConsumer.batchSize}, one transaction each) | ${EVENTS} | ${consumed.toFixed(2)} | ${(EVENTS / consumed).toFixed(0)} | ${(scan / consumed).toFixed(2)} |`,
  ];
}

/** Part 2: how far behind the live consumer is while recordDeliveryEvents runs at the ingestion bench's pace. */
async function lagUnderLoad(app: App, td: TaskDeps, w: Awaited<ReturnType<typeof seed>>): Promise<string> {
  const runner = await startConsumers({ orm: app.orm, consumers: [suppressionsConsumer], deps: td, logger: td.deps.logger });
  const unsubscribe = app.deps.feed.subscribe(() => runner.wake());
  // Lag as the consumer sees it: for each sample of the newest committed event, how long until the cursor passed it.
  const pending: { id: bigint; at: number }[] = [];
  const samples: number[] = [];
  let sampling = true;
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  const sampler = (async () => {
    while (sampling || pending.length) {
      const { rows } = await client.query<{ max: string | null; cur: string }>(
        "select (select max(id) from activity_events)::text as max, (select last_event_id from event_consumers where name = 'suppressions')::text as cur",
      );
      const now = performance.now();
      const cur = BigInt(rows[0].cur);
      while (pending.length && pending[0].id <= cur) samples.push(now - pending.shift()!.at);
      if (sampling && rows[0].max && BigInt(rows[0].max) > cur) pending.push({ id: BigInt(rows[0].max), at: now });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const types = ['SENT', 'DELIVERED', 'DELIVERED', 'DELIVERED', 'DEFERRED', 'SOFT_BOUNCED', 'HARD_BOUNCED'];
  const batches = 40;
  const seconds = await timed(
    Array.from({ length: batches }, (_, b) => async () => {
      const events = Array.from({ length: 500 }, (_, i) => ({
        eventId: `lag-${b}-${i}`,
        messageId: toGlobalId('Message', w.messages[(b * 500 + i) % MESSAGES].id),
        type: types[i % types.length],
        occurredAt: new Date().toISOString(),
        smtpResponse: '250 ok',
      }));
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${w.token}` },
        body: JSON.stringify({ query: 'mutation($i: RecordDeliveryEventsInput!) { recordDeliveryEvents(input: $i) { recorded } }', variables: { i: { events } } }),
      });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    }),
    4,
  );
  await runner.drain(120_000);
  sampling = false;
  await sampler;
  await client.end();
  unsubscribe();
  await runner.stop();
  return `| ${batches * 500} events over ${seconds.toFixed(1)} s (${((batches * 500) / seconds).toFixed(0)}/s) | ${samples.length} | ${pct(samples, 50).toFixed(0)} | ${pct(samples, 99).toFixed(0)} | ${Math.max(0, ...samples).toFixed(0)} |`;
}

/** Part 3: sendEmail acceptance with the domain's lists empty, and with SUPPRESSED addresses on them, taking turns. */
async function acceptance(app: App, w: Awaited<ReturnType<typeof seed>>): Promise<string[]> {
  let seq = 0;
  const run = async () =>
    SENDS /
    (await timed(
      Array.from({ length: SENDS }, () => async () => {
        const to = `fresh${seq++}@inbox.bench.test`;
        const res = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${w.token}` },
          body: JSON.stringify({
            query: 'mutation($i: SendEmailInput!) { sendEmail(input: $i) { messages { status } } }',
            variables: { i: { from: { email: `news@${w.domain.name}` }, to: [{ email: to }], subject: 'Bench', text: 'Hello' } },
          }),
        });
        const body = (await res.json()) as { errors?: unknown; data?: { sendEmail: { messages: { status: string }[] } } };
        if (body.errors || body.data?.sendEmail.messages[0].status !== 'QUEUED') throw new Error(JSON.stringify(body));
      }),
      4,
    ));
  const em = systemEm(app.orm);
  const fill = async () => {
    for (let i = 0; i < SUPPRESSED; i += 1000) {
      const entries = Array.from({ length: Math.min(1000, SUPPRESSED - i) }, (_, k) => ({
        accountId: w.accountId,
        domainId: w.domain.id,
        tenantId: w.tenantId,
        senderIdentityId: null,
        list: SuppressionList.UNSUBSCRIBE,
        recipient: `listed${i + k}@inbox.bench.test`,
        pattern: null,
        likePattern: null,
        reason: 'bench',
        source: SuppressionSource.API,
      }));
      await em.transactional((tx) => insertEntries(tx, entries));
    }
  };
  const clear = () => em.execute('delete from suppressions where account_id = ?', [w.accountId]);
  await run(); // warm-up
  const none: number[] = [];
  const listed: number[] = [];
  for (let round = 0; round < 2; round++) {
    await clear();
    none.push(await run());
    await fill();
    listed.push(await run());
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [
    `| no suppressions on the domain | ${SENDS} × 2 | ${none.map((x) => x.toFixed(0)).join(', ')} | 1.00 |`,
    `| ${SUPPRESSED.toLocaleString('en')} suppressed addresses on the domain | ${SENDS} × 2 | ${listed.map((x) => x.toFixed(0)).join(', ')} | ${(avg(listed) / avg(none)).toFixed(2)} |`,
  ];
}

async function main(): Promise<void> {
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench' },
    { port: 0, host: '127.0.0.1', runWorker: false, bootstrapToken: null, rateLimitApiPerCredential: 0 },
  );
  const app = await createApp(config);
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  const td: TaskDeps = { orm: app.orm, config: app.config, deps: app.deps };
  try {
    const w = await seed(app);
    const parts = (process.env.BENCH_PARTS ?? 'throughput,lag,acceptance').split(',');
    const t = parts.includes('throughput') ? await throughput(app, td, client, w) : [];
    const lag = parts.includes('lag') ? await lagUnderLoad(app, td, w) : '';
    const acc = parts.includes('acceptance') ? await acceptance(app, w) : [];
    console.log(`\n${new Date().toISOString()} — consumers\n`);
    console.log(['| path | events | seconds | events/s | × scan |', '| --- | ---: | ---: | ---: | ---: |', ...t].join('\n'));
    console.log(['\n| ingestion load (recordDeliveryEvents, 4 calls of 500 at a time) | lag samples | p50 ms | p99 ms | max ms |', '| --- | ---: | ---: | ---: | ---: |', lag].join('\n'));
    console.log(['\n| sendEmail over HTTP, 4 at a time | requests | req/s per round | × none |', '| --- | ---: | ---: | ---: |', ...acc].join('\n'));
  } finally {
    await client.end();
    await app.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
