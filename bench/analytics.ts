import 'reflect-metadata';
import pg from 'pg';
import { Permission } from '../src/auth/permissions';
import { type RowScope } from '../src/auth/scope';
import { generateSecret } from '../src/auth/token-format';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { systemEm } from '../src/context';
import { startConsumers } from '../src/events/consumers';
import { encrypt, sha256 } from '../src/lib/crypto';
import { createAccountWithAdminToken } from '../src/modules/accounts/bootstrap';
import { analyticsConsumer } from '../src/modules/analytics/analytics.consumer';
import { rollUpRange } from '../src/modules/analytics/rollup-writes.queries';
import { type RollupQuery, rollupSeries } from '../src/modules/analytics/analytics.queries';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { Domain } from '../src/modules/domains/domain.entity';
import { generateDkimKeyPair } from '../src/modules/domains/domain.service';
import { SenderIdentity, SenderIdentityStatus } from '../src/modules/identities/sender-identity.entity';
import type { TaskDeps } from '../src/modules/module';
import { Template } from '../src/modules/templates/template.entity';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { verifiedDomain } from './support';

/**
 * Analytics: seeds BENCH_EVENTS events (two accounts, 50 tenants, a year of timestamps) straight into the
 * tables, rolls all but the last BENCH_CATCHUP of them up with one SQL statement equivalent to the consumer,
 * then times the `analytics-rollups` consumer catching up the rest; then 30-day daily series for one tenant
 * and for a whole account from the rollups (read model and GraphQL over HTTP) beside the same numbers
 * from a raw GROUP BY over activity_events. Run it on a database of its own.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const CATCHUP = Number(process.env.BENCH_CATCHUP ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const RAW_QUERIES = Number(process.env.BENCH_RAW_QUERIES ?? 200);
const BATCH = Number(process.env.BENCH_BATCH ?? analyticsConsumer.batchSize ?? 500);
const TENANTS_PER_ACCOUNT = 25;
/** BENCH_REUSE=1: measure again on a database this script seeded (events kept, rollups rebuilt). */
const REUSE = process.env.BENCH_REUSE === '1';
const EVENTS_PER_MESSAGE = 4.0;
const TAG_SETS = ['{}', '{news}', '{promo}', '{news,vip}', '{promo,vip}', '{}', '{news}'];

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => x.toFixed(1);

/** One combination of owners messages are sent with. */
interface Owner {
  accountId: string;
  tenantId: string;
  domainId: string;
  identityId: string | null;
  templateId: string | null;
}

async function seedOwners(app: App) {
  const em = systemEm(app.orm);
  const key = await generateDkimKeyPair();
  const domainOf = (accountId: string, tenantId: string | null, name: string) => verifiedDomain(app, em, key, { account: accountId, tenant: tenantId, name });
  const accounts = [];
  const owners: Owner[] = [];
  for (const a of [1, 2]) {
    const { account } = await createAccountWithAdminToken(app.orm, `Analytics bench ${a}`);
    const agency = domainOf(account.id, null, `agency-${account.id.slice(0, 8)}.bench.test`);
    const tenants = [];
    for (let t = 0; t < TENANTS_PER_ACCOUNT; t++) {
      const tenant = em.create(Tenant, { account: account.id, name: `Client ${a}-${t}`, tag: `c${a}-${t}-${account.id.slice(0, 6)}` });
      const domain = domainOf(account.id, tenant.id, `c${t}-${account.id.slice(0, 8)}.bench.test`);
      const identity = em.create(SenderIdentity, {
        account: account.id,
        tenant: tenant.id,
        domain: agency.id,
        email: `c${t}@${agency.name}`,
        name: `Client ${t}`,
        status: SenderIdentityStatus.CONFIRMED,
        confirmedAt: new Date(),
      });
      const [t1, t2] = [1, 2].map((n) => em.create(Template, { account: account.id, domain: domain.id, tenant: tenant.id, name: `T${n}`, subject: 'S', html: '<p>x</p>', tags: [] }));
      owners.push(
        { accountId: account.id, tenantId: tenant.id, domainId: domain.id, identityId: null, templateId: t1.id },
        { accountId: account.id, tenantId: tenant.id, domainId: domain.id, identityId: null, templateId: null },
        { accountId: account.id, tenantId: tenant.id, domainId: agency.id, identityId: identity.id, templateId: t2.id },
        { accountId: account.id, tenantId: tenant.id, domainId: agency.id, identityId: identity.id, templateId: null },
      );
      tenants.push({ tenant, domain, identity });
    }
    accounts.push({ accountId: account.id, tenants });
  }
  await em.flush();
  return { accounts, owners };
}

/** The accounts and tenants of a database this script seeded before. */
async function existingOwners(app: App) {
  const em = systemEm(app.orm);
  const rows = await em.execute<{ id: string }[]>("select id from accounts where name like 'Analytics bench %' order by name");
  const accounts = [];
  for (const { id } of rows) {
    const tenants = [];
    for (const tenant of await em.find(Tenant, { account: id }, { orderBy: { name: 'asc' } })) {
      const domain = await em.findOneOrFail(Domain, { tenant: tenant.id });
      const identity = await em.findOneOrFail(SenderIdentity, { tenant: tenant.id });
      tenants.push({ tenant, domain, identity });
    }
    accounts.push({ accountId: id, tenants });
  }
  return { accounts, owners: [] as Owner[] };
}

/** Event life per message (r1, r2 in 0..999 from the message id): type, minutes after the message, condition. */
const LIFE = `(values ('QUEUED', 0, true), ('SENT', 1, true), ('DELIVERED', 2, r1 < 920), ('DEFERRED', 3, r1 between 920 and 949), ('SOFT_BOUNCED', 30, r1 between 920 and 949),
  ('HARD_BOUNCED', 2, r1 between 950 and 969), ('SUPPRESSED', 0, r1 >= 970), ('OPENED', 60, r1 < 920 and r2 < 350), ('OPENED_UNIQUE', 60, r1 < 920 and r2 < 350),
  ('OPENED', 180, r1 < 920 and r2 < 150), ('CLICKED', 61, r1 < 920 and r2 < 100), ('CLICKED_UNIQUE', 61, r1 < 920 and r2 < 100),
  ('UNSUBSCRIBED', 90, r1 < 920 and r2 between 350 and 354), ('SPAM_COMPLAINT', 120, r1 < 920 and r2 = 999)) as l(type, minutes, happens)`;

/** Inserts `messages` messages over the owners and their events, in one statement per chunk. */
async function seedEvents(client: pg.Client, owners: Owner[], messages: number): Promise<void> {
  await client.query('create temporary table bench_owners (n int, account_id uuid, tenant_id uuid, domain_id uuid, sender_identity_id uuid, template_id uuid)');
  await client.query(
    `insert into bench_owners select (x->>'n')::int, (x->>'accountId')::uuid, (x->>'tenantId')::uuid, (x->>'domainId')::uuid, (x->>'identityId')::uuid, (x->>'templateId')::uuid from jsonb_array_elements($1::jsonb) x`,
    [JSON.stringify(owners.map((o, n) => ({ n, ...o })))],
  );
  const chunk = 100_000;
  for (let from = 0; from < messages; from += chunk) {
    const to = Math.min(messages, from + chunk);
    await client.query(
      `with m as (
         insert into messages (id, created_at, updated_at, account_id, tenant_id, domain_id, sender_identity_id, template_id, from_email, recipient, addressing, headers, tags, status, verp_token)
         select gen_random_uuid(), now(), now(), o.account_id, o.tenant_id, o.domain_id, o.sender_identity_id, o.template_id, 'news@bench.test', 'r' || g || '@inbox.bench.test',
                '{"to":[],"cc":[]}', '{}', ((array[${TAG_SETS.map((t) => `'${t}'`).join(', ')}])[1 + g % ${TAG_SETS.length}])::text[], 'DELIVERED', 'v' || g || '-' || o.n
         from generate_series($1::int, $2::int - 1) g join bench_owners o on o.n = (hashtext(g::text) & 2147483647) % ${owners.length}
         returning id, account_id, tenant_id, domain_id, sender_identity_id, template_id, recipient, tags, substring(recipient from 2 for position('@' in recipient) - 2)::int as g
       ), r as (
         select m.*, (hashtext(m.id::text) & 2147483647) % 1000 as r1, (hashtext(m.id::text || 'o') & 2147483647) % 1000 as r2,
                now() - interval '365 days' * (1 - m.g::float8 / $3) - interval '1 minute' * ((hashtext(m.id::text || 't') & 2147483647) % 240) as at
         from m
       )
       insert into activity_events (occurred_at, type, account_id, message_id, tenant_id, domain_id, sender_identity_id, template_id, recipient, tags, data)
       select r.at + l.minutes * interval '1 minute', l.type, r.account_id, r.id, r.tenant_id, r.domain_id, r.sender_identity_id, r.template_id, r.recipient, r.tags,
              case when l.type in ('OPENED', 'OPENED_UNIQUE', 'CLICKED', 'CLICKED_UNIQUE')
                then jsonb_build_object('country', (array['DE','US','FR','GB','BR'])[1 + r.r2 % 5], 'client', (array['Gmail','Apple Mail','Outlook','Yahoo Mail'])[1 + r.r2 % 4],
                                        'environment', (array['webmail','mobile','desktop','unknown'])[1 + r.r2 % 4])
                else '{}'::jsonb end
       from r cross join lateral ${LIFE} where l.happens
       order by 1`,
      [from, to, messages],
    );
    process.stdout.write(`\r  messages ${to.toLocaleString('en')} / ${messages.toLocaleString('en')}`);
  }
  process.stdout.write('\n');
}

const COUNT_SQL = (t: string) =>
  ['QUEUED', 'SENT', 'DELIVERED', 'DEFERRED', 'SOFT_BOUNCED', 'HARD_BOUNCED', 'OPENED', 'OPENED_UNIQUE', 'CLICKED', 'CLICKED_UNIQUE', 'UNSUBSCRIBED', 'SPAM_COMPLAINT', 'SUPPRESSED']
    .map((type) => `count(*) filter (where ${t}.type = '${type}')::int`)
    .join(', ');
/** The rollups of every event up to `cut`, by the consumer's own statement (rollUpRange), a million ids at a time. */
async function rollUpInSql(app: App, cut: string): Promise<void> {
  for (let from = 0n; from < BigInt(cut); from += 1_000_000n) {
    const to = from + 1_000_000n < BigInt(cut) ? from + 1_000_000n : BigInt(cut);
    await systemEm(app.orm).transactional((tx) => rollUpRange(tx, String(from), String(to)));
  }
}

/** A random 30-day window of the past year, at a whole day. */
function window30(): { from: Date; to: Date } {
  const day = 86_400_000;
  const end = Math.floor((Date.now() - Math.random() * 330 * day) / day) * day;
  return { from: new Date(end - 30 * day), to: new Date(end) };
}

async function timeIt(n: number, run: () => Promise<unknown>): Promise<number[]> {
  await run();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    out.push(performance.now() - t);
  }
  return out;
}

/** The same 30-day daily series straight from activity_events, scoped the same way (the baseline). */
function rawSeries(client: pg.Client, scope: RowScope, w: { from: Date; to: Date }) {
  const owners = scope.accountWide ? '' : 'and (e.domain_id = any($4::uuid[]) or e.tenant_id = any($5::uuid[]) or e.sender_identity_id = any($6::uuid[]))';
  const params: unknown[] = [scope.accountId, w.from, w.to, ...(scope.accountWide ? [] : [`{${scope.domainIds.join(',')}}`, `{${scope.tenantIds.join(',')}}`, `{${scope.identityIds.join(',')}}`])];
  return client.query(
    `select s.d, x.* from generate_series($2::timestamptz, $3::timestamptz - interval '1 day', interval '1 day') s(d) left join (
       select date_trunc('day', e.occurred_at, 'UTC') as d, ${COUNT_SQL('e')} from activity_events e
       where e.account_id = $1 and e.occurred_at >= $2 and e.occurred_at < $3 ${owners} group by 1) x on x.d = s.d order by 1`,
    params,
  );
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
    await client.query('select mailroom_ensure_event_partitions(13, 3)');
    const seedStart = performance.now();
    let accounts: Awaited<ReturnType<typeof seedOwners>>['accounts'];
    let owners: Owner[];
    let before = '0';
    const messages = Math.round(EVENTS / EVENTS_PER_MESSAGE);
    if (REUSE) {
      // A database this script seeded before: its events stay, the rollups are made again.
      ({ accounts, owners } = await existingOwners(app));
      await client.query('truncate analytics_hourly, analytics_engagement_hourly, analytics_hourly_account, analytics_hourly_tenant');
    } else {
      ({ accounts, owners } = await seedOwners(app));
      before = (await client.query<{ before: string }>('select coalesce(max(id), 0)::text as before from activity_events')).rows[0].before;
      console.log(`seeding ${messages.toLocaleString('en')} messages and ~${EVENTS.toLocaleString('en')} events`);
      await seedEvents(client, owners, messages);
    }
    const [{ total, max }] = (await client.query<{ total: string; max: string }>('select count(*)::text as total, max(id)::text as max from activity_events where id > $1', [before])).rows;
    const combos = REUSE
      ? Number((await client.query<{ n: string }>('select count(distinct (tenant_id, domain_id, sender_identity_id, template_id))::text as n from messages')).rows[0].n)
      : owners.length;
    const cut = String(BigInt(max) - BigInt(CATCHUP));
    await rollUpInSql(app, cut);
    await client.query('analyze');
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`seeded ${Number(total).toLocaleString('en')} events in ${seedSeconds.toFixed(0)} s; rolled up all but the last ${CATCHUP.toLocaleString('en')} in SQL`);

    // The consumer catching up the last CATCHUP events, beside a bare keyset scan of them.
    const scanStart = performance.now();
    let cursor = cut;
    for (;;) {
      const res = await client.query<{ id: string }>(
        'select id, occurred_at, type, account_id, message_id, tenant_id, domain_id, sender_identity_id, recipient, tags, data from activity_events where id > $1 order by id limit 5000',
        [cursor],
      );
      if (!res.rows.length) break;
      cursor = res.rows.at(-1)!.id;
    }
    const scan = (performance.now() - scanStart) / 1000;
    await client.query("delete from event_consumers where name = 'analytics-rollups'");
    const runStart = performance.now();
    const runner = await startConsumers({ orm: app.orm, consumers: [{ ...analyticsConsumer, startAfter: cut, batchSize: BATCH }], deps: td, logger: td.deps.logger, pollMs: 50 });
    await runner.drain(1_800_000);
    const consumed = (performance.now() - runStart) / 1000;
    await runner.stop();
    const [check] = (
      await client.query<{ rolled: string; raw: string }>(
        `select (select sum(sent) from analytics_hourly where tag is null and account_id = any($1::uuid[]))::text as rolled, (select count(*) from activity_events where type = 'SENT' and account_id = any($1::uuid[]))::text as raw`,
        [`{${accounts.map((a) => a.accountId).join(',')}}`],
      )
    ).rows;
    await client.query('analyze analytics_hourly');

    // Queries: one tenant (its tenant token's scope) and the whole account, 30 days by day.
    const a = accounts[0];
    const t = a.tenants[0];
    const tenantScope: RowScope = { accountId: a.accountId, accountWide: false, allDomains: false, tenantIds: [t.tenant.id], domainIds: [t.domain.id], identityIds: [t.identity.id] };
    const accountScope: RowScope = { accountId: a.accountId, accountWide: true, allDomains: true, tenantIds: [], domainIds: [], identityIds: [] };
    const q = (w: { from: Date; to: Date }): RollupQuery => ({ ...w, interval: 'DAY', timezone: 'UTC', tenantIds: null, domainIds: null, identityIds: null, templateIds: null, tags: null });
    const em = systemEm(app.orm);
    const secret = generateSecret('api');
    em.create(ApiToken, { account: a.accountId, name: 'bench', permissions: [Permission.ANALYTICS_READ], tenant: t.tenant.id, secretHash: sha256(secret), preview: secret.slice(0, 12) });
    await em.flush();
    const gql = async (w: { from: Date; to: Date }) => {
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({
          query: 'query($f: AnalyticsFilterInput!) { analytics(filter: $f) { totals { sent openRate } series { start counts { sent delivered openedUnique clickedUnique } } } }',
          variables: { f: w },
        }),
      });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };
    const rows: string[] = [];
    for (const [label, scope] of [
      ['one tenant', tenantScope],
      ['whole account', accountScope],
    ] as const) {
      const rolled = await timeIt(QUERIES, () => rollupSeries(em, scope, null, q(window30())));
      const raw = await timeIt(RAW_QUERIES, () => rawSeries(client, scope, window30()));
      rows.push(`| ${label}: rollups (read model) | ${QUERIES} | ${ms(pct(rolled, 50))} | ${ms(pct(rolled, 99))} | **${(pct(raw, 50) / pct(rolled, 50)).toFixed(0)}×** |`);
      rows.push(`| ${label}: raw GROUP BY over activity_events (baseline) | ${RAW_QUERIES} | ${ms(pct(raw, 50))} | ${ms(pct(raw, 99))} | 1× |`);
    }
    const http = await timeIt(QUERIES, () => gql(window30()));
    rows.push(`| one tenant: \`analytics\` over HTTP (tenant token; totals + series) | ${QUERIES} | ${ms(pct(http, 50))} | ${ms(pct(http, 99))} | |`);
    const [{ hourly, engagement }] = (
      await client.query<{ hourly: string; engagement: string }>(
        'select (select count(*) from analytics_hourly)::text as hourly, (select count(*) from analytics_engagement_hourly)::text as engagement',
      )
    ).rows;

    console.log(
      `\n${new Date().toISOString()} — analytics (${Number(total).toLocaleString('en')} events, ${(REUSE ? Number((await client.query<{ n: string }>('select count(*)::text as n from messages')).rows[0].n) : messages).toLocaleString('en')} messages, ${combos} owner combinations over 2 accounts × ${TENANTS_PER_ACCOUNT} tenants; rollup rows: ${Number(hourly).toLocaleString('en')} hourly, ${Number(engagement).toLocaleString('en')} reader)\n`,
    );
    console.log(['| 30-day daily series | queries | p50 ms | p99 ms | × raw (p50) |', '| --- | ---: | ---: | ---: | ---: |', ...rows].join('\n'));
    console.log(
      [
        '\n| catching up | events | seconds | events/s |',
        '| --- | ---: | ---: | ---: |',
        `| keyset scan of the same events, 5,000 a query (reference) | ${CATCHUP} | ${scan.toFixed(2)} | ${(CATCHUP / scan).toFixed(0)} |`,
        `| \`analytics-rollups\` consumer (batches of ${BATCH}) | ${CATCHUP} | ${consumed.toFixed(2)} | **${(CATCHUP / consumed).toFixed(0)}** |`,
      ].join('\n'),
    );
    console.log(`\nrollups vs raw: SENT ${check.rolled} rolled up, ${check.raw} in activity_events (${check.rolled === check.raw ? 'equal' : 'DIFFERENT'})`);
  } finally {
    await client.end();
    await app.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
