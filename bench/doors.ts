import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { Message } from '../src/modules/sending/message.entity';
import { benchDatabase, postgresCpuMs, seedSendingDomain, timed } from './support';

/*
 * The three doors a client's application sends through, side by side on one server: GraphQL
 * `sendEmail`, the MailerSend-compatible `POST /v1/email`, and SMTP submission (AUTH, one message per
 * transaction). Each run sends BENCH_MESSAGES single-recipient messages with BENCH_CONCURRENCY at a
 * time and counts them accepted (the answer came: 200, 202, 250 — stored, with its QUEUED event and
 * delivery job); the worker is off, so nothing is delivered and only the acceptance path is timed.
 * The doors take turns BENCH_ROUNDS times. Goals: REST ≥ 0.9× GraphQL, SMTP ≥ 0.5× GraphQL.
 */

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const INBOX = 'inbox.bench.test';
const TEXT = 'Hello from the doors benchmark.\n'.repeat(20);
const HTML = `<p>${'Hello from the doors benchmark. '.repeat(20)}</p>`;
const SEND = `mutation($input: SendEmailInput!) { sendEmail(input: $input) { messages { id } } }`;

type Door = 'graphql' | 'rest' | 'smtp';

interface Run {
  door: Door;
  round: number;
  messages: number;
  seconds: number;
  perSecond: number;
  /** This process's CPU (server and clients) per message, µs. */
  nodeUs: number;
  /** PostgreSQL's CPU per message, µs (null where /proc is not readable). */
  postgresUs: number | null;
}

interface World {
  app: App;
  token: string;
  domainName: string;
  smtp: { user: string; pass: string };
}

async function post(url: string, token: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
}

/** One message through GraphQL sendEmail. */
async function viaGraphql(w: World, i: number): Promise<void> {
  const res = await post(`${w.app.url}/graphql`, w.token, {
    query: SEND,
    variables: { input: { from: { email: `news@${w.domainName}`, name: 'Bench' }, to: [{ email: `g${i}@${INBOX}` }], subject: `Bench ${i}`, text: TEXT, html: HTML, tags: ['bench'] } },
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`graphql: ${JSON.stringify(body.errors)}`);
}

/** One message through POST /v1/email (MailerSend's body). */
async function viaRest(w: World, i: number): Promise<void> {
  const res = await post(`${w.app.url}/v1/email`, w.token, {
    from: { email: `news@${w.domainName}`, name: 'Bench' },
    to: [{ email: `r${i}@${INBOX}` }],
    subject: `Bench ${i}`,
    text: TEXT,
    html: HTML,
    tags: ['bench'],
  });
  if (res.status !== 202) throw new Error(`rest: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

function smtpTransport(w: World) {
  return nodemailer.createTransport({
    pool: true,
    maxConnections: CONCURRENCY,
    maxMessages: Infinity,
    host: '127.0.0.1',
    port: w.app.smtpSubmissionPort!,
    secure: false,
    ignoreTLS: true,
    auth: w.smtp,
  });
}

async function measure(w: World, door: Door, round: number, pids: number[]): Promise<Run> {
  const transport = door === 'smtp' ? smtpTransport(w) : null;
  const one: (i: number) => Promise<void> =
    door === 'graphql'
      ? (i) => viaGraphql(w, i)
      : door === 'rest'
        ? (i) => viaRest(w, i)
        : async (i) => {
            await transport!.sendMail({ from: `Bench <news@${w.domainName}>`, to: `s${i}@${INBOX}`, subject: `Bench ${i}`, text: TEXT, html: HTML, headers: { 'X-Mailroom-Tags': 'bench' } });
          };
  const base = round * 1_000_000;
  const before = await systemEm(w.app.orm).count(Message, {});
  const cpu = process.cpuUsage();
  const pg = postgresCpuMs(pids);
  const seconds = await timed(
    Array.from({ length: MESSAGES }, (_, k) => () => one(base + k)),
    CONCURRENCY,
  );
  const d = process.cpuUsage(cpu);
  const pgAfter = postgresCpuMs(pids);
  transport?.close();
  const stored = (await systemEm(w.app.orm).count(Message, {})) - before;
  if (stored !== MESSAGES) throw new Error(`${door}: ${stored} messages stored, ${MESSAGES} sent`);
  return {
    door,
    round,
    messages: MESSAGES,
    seconds,
    perSecond: MESSAGES / seconds,
    nodeUs: Math.round((d.user + d.system) / MESSAGES),
    postgresUs: pg === null || pgAfter === null ? null : Math.round(((pgAfter - pg) * 1000) / MESSAGES),
  };
}

async function main(): Promise<void> {
  const db = await benchDatabase('doors');
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench-doors' },
    {
      databaseUrl: db.url,
      port: 0,
      host: '127.0.0.1',
      runWorker: false,
      bootstrapToken: null,
      deliveryMode: 'direct',
      rateLimitApiPerCredential: 100_000_000,
      smtpSubmissionPort: 0,
      smtpAllowInsecureAuth: true,
    },
  );
  const app = await createApp(config);
  try {
    const { token, domainName, domainId } = await seedSendingDomain(app);
    const created = await post(`${app.url}/graphql`, token, {
      query: `mutation($input: CreateSmtpUserInput!) { createSmtpUser(input: $input) { username password } }`,
      variables: { input: { name: 'bench', domainId: toGlobalId('Domain', domainId) } },
    });
    const user = ((await created.json()) as { data: { createSmtpUser: { username: string; password: string } } }).data.createSmtpUser;
    const w: World = { app, token, domainName, smtp: { user: user.username, pass: user.password } };
    // Warm every door up, then take turns.
    for (const door of ['graphql', 'rest', 'smtp'] as const)
      await timed(
        [0, 1, 2, 3].map((i) => () => (door === 'smtp' ? measureOne(w, i) : door === 'rest' ? viaRest(w, 9_000_000 + i) : viaGraphql(w, 9_000_000 + i))),
        2,
      );
    const pids = (await systemEm(app.orm).execute<{ pid: number }[]>('select pid from pg_stat_activity where datname = current_database()')).map((r) => r.pid);
    const runs: Run[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const door of ['graphql', 'rest', 'smtp'] as const) {
        const r = await measure(w, door, round, pids);
        runs.push(r);
        console.log(`${door} round ${round}: ${r.perSecond.toFixed(0)} messages/s (${r.seconds.toFixed(2)} s), CPU per message: node ${r.nodeUs} µs, PostgreSQL ${r.postgresUs ?? '?'} µs`);
      }
    }
    const avg = (door: Door, key: 'perSecond' | 'nodeUs' | 'postgresUs') => {
      const xs = runs.filter((r) => r.door === door).map((r) => r[key] ?? NaN);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    const names: Record<Door, string> = { graphql: 'GraphQL `sendEmail`', rest: 'REST `POST /v1/email`', smtp: 'SMTP submission (AUTH PLAIN, pooled)' };
    const table = [
      '| door | accepted messages/s | × GraphQL | goal | node CPU µs/message | PostgreSQL CPU µs/message |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...(['graphql', 'rest', 'smtp'] as const).map(
        (d) =>
          `| ${names[d]} | ${avg(d, 'perSecond').toFixed(0)} | ${(avg(d, 'perSecond') / avg('graphql', 'perSecond')).toFixed(2)} | ${d === 'rest' ? '≥ 0.9' : d === 'smtp' ? '≥ 0.5' : ''} | ${avg(d, 'nodeUs').toFixed(0)} | ${avg(d, 'postgresUs').toFixed(0)} |`,
      ),
    ].join('\n');
    console.log(`\n${new Date().toISOString()} — ${MESSAGES} messages per run, ${CONCURRENCY} at a time, ${ROUNDS} rounds\n\n${table}\n`);
    mkdirSync(join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
    writeFileSync(
      join(__dirname, '..', '..', 'bench', 'results', 'doors-latest.json'),
      JSON.stringify({ at: new Date().toISOString(), messages: MESSAGES, concurrency: CONCURRENCY, runs }, null, 2) + '\n',
    );
  } finally {
    await app.stop();
    await db.drop();
  }
}

/** One warm-up message over SMTP on a connection of its own. */
async function measureOne(w: World, i: number): Promise<void> {
  const t = smtpTransport(w);
  await t.sendMail({ from: `news@${w.domainName}`, to: `w${i}@${INBOX}`, subject: 'warm-up', text: TEXT });
  t.close();
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
