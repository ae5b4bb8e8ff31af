import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { systemEm } from '../src/context';
import { createDnsLookup } from '../src/deps';
import { generateDkimKeyPair } from '../src/modules/domains/domain.service';
import { BulkSend, BulkSendStatus } from '../src/modules/sending/bulk-send.entity';
import { Message } from '../src/modules/sending/message.entity';
import { MessageStatus } from '../src/modules/sending/message.types';
import { startDnsServer } from '../test/support/dns-server';
import { benchDatabase, seedSendingDomain } from './support';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const BULK_SIZE = 500;
const CONCURRENCY = 4;
const INBOX = 'inbox.bench.test';

const SEND_BULK = `mutation($input: SendBulkEmailInput!) { sendBulkEmail(input: $input) { bulkEmail { id } } }`;

interface Row {
  path: string;
  messages: number;
  seconds: number;
  perSecond: number;
}

/** The SMTP sink, in a child process so that it does not share the server's event loop. */
interface Sink {
  port: number;
  count(): Promise<number>;
  stop(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const child: ChildProcess = fork(join(__dirname, 'send-sink.js'));
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  let seq = 0;
  return {
    port,
    count: () =>
      new Promise((resolve) => {
        const id = ++seq;
        const on = (m: { type: string; id: number; count: number }) => {
          if (m.type === 'count' && m.id === id) {
            child.off('message', on);
            resolve(m.count);
          }
        };
        child.on('message', on);
        child.send({ type: 'count', id });
      }),
    stop: () => new Promise((resolve) => (child.once('exit', () => resolve()), child.send({ type: 'stop' }))),
  };
}

const row = (path: string, messages: number, ms: number): Row => ({ path, messages, seconds: ms / 1000, perSecond: messages / (ms / 1000) });

function requests(domainName: string, from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    from: { email: `news@${domainName}`, name: 'Bench' },
    to: [{ email: `r${from + i}@${INBOX}` }],
    subject: `Bench message ${from + i}`,
    text: 'Hello from the send benchmark.\n'.repeat(20),
    html: `<p>${'Hello from the send benchmark. '.repeat(20)}</p>`,
    tags: ['bench'],
  }));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('bench timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The measured path: sendBulkEmail over HTTP, the worker accepting each request and delivering to the sink. */
async function measureSend(app: App, sink: Sink, token: string, domainName: string): Promise<Row[]> {
  const em = systemEm(app.orm);
  const before = await sink.count();
  const started = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < MESSAGES; i += BULK_SIZE) {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: SEND_BULK, variables: { input: { requests: requests(domainName, i, Math.min(BULK_SIZE, MESSAGES - i)) } } }),
    });
    const body = (await res.json()) as { data?: { sendBulkEmail: { bulkEmail: { id: string } } }; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    ids.push(Buffer.from(body.data.sendBulkEmail.bulkEmail.id, 'base64url').toString().split(':')[1]);
  }
  const submitted = Date.now();
  await waitUntil(async () => (await em.fork().count(BulkSend, { id: { $in: ids }, status: BulkSendStatus.COMPLETED })) === ids.length, 600_000);
  const accepted = Date.now();
  await waitUntil(async () => (await sink.count()) - before >= MESSAGES && (await em.fork().count(Message, { bulkId: { $in: ids }, status: MessageStatus.DELIVERED })) === MESSAGES, 600_000);
  const delivered = Date.now();
  const queued = await em.fork().count(Message, { bulkId: { $in: ids } });
  if (queued !== MESSAGES) throw new Error(`expected ${MESSAGES} messages, got ${queued}`);
  return [
    row(`sendBulkEmail calls (${ids.length} × ${BULK_SIZE} requests stored + 1 job each)`, MESSAGES, submitted - started),
    row('accepted: bulk requests → messages, jobs and QUEUED events committed', MESSAGES, accepted - started),
    row('delivered: DKIM-signed, handed to the loopback MX, DELIVERED recorded', MESSAGES, delivered - started),
  ];
}

/** Baseline: nodemailer alone, the same pooled connections and concurrency, one pre-built signed message. */
async function measureBaseline(sink: Sink): Promise<Row> {
  const key = await generateDkimKeyPair();
  const built = await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }).sendMail({
    from: 'news@bench-sender.example.com',
    to: `r@${INBOX}`,
    subject: 'Bench baseline',
    text: 'Hello from the send benchmark.\n'.repeat(20),
    dkim: { domainName: 'bench-sender.example.com', keySelector: 'mr1', privateKey: key.privateKeyPem },
  });
  const raw = (built.message as Buffer).toString('utf8');
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: CONCURRENCY,
    maxMessages: 100,
    host: '127.0.0.1',
    port: sink.port,
    opportunisticTLS: true,
    tls: { rejectUnauthorized: false },
  } as never);
  const before = await sink.count();
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        await transport.sendMail({ envelope: { from: 'bounce@mr.bench-sender.example.com', to: `b${i}@${INBOX}` }, raw });
      }
    }),
  );
  const ms = Date.now() - started;
  transport.close();
  if ((await sink.count()) - before !== MESSAGES) throw new Error('baseline lost messages');
  return row(`baseline: nodemailer alone, pooled, ${CONCURRENCY} connections, pre-built signed message`, MESSAGES, ms);
}

async function main(): Promise<void> {
  const db = await benchDatabase('send');
  const dns = await startDnsServer();
  const sink = await startSink();
  dns.set(INBOX, [{ type: 'MX', value: '127.0.0.1', priority: 10 }]);
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench-send' },
    { databaseUrl: db.url, port: 0, host: '127.0.0.1', runWorker: true, bootstrapToken: null, deliveryMode: 'direct', mxPort: sink.port, dnsServers: [dns.address] },
  );
  const app = await createApp(config, { deps: { dns: createDnsLookup([dns.address], 1000) } });
  try {
    const { token, domainName } = await seedSendingDomain(app);
    const baseline = await measureBaseline(sink);
    const rows = [...(await measureSend(app, sink, token, domainName)), baseline];
    const table = [
      '| path | messages | seconds | messages/s |',
      '| --- | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.path} | ${r.messages} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(0)} |`),
    ].join('\n');
    console.log(`\n${new Date().toISOString()} — ${MESSAGES} messages, worker concurrency ${CONCURRENCY}, database: ${config.databaseUrl ? 'DATABASE_URL (own database)' : 'embedded'}\n\n${table}\n`);
    mkdirSync(join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
    writeFileSync(join(__dirname, '..', '..', 'bench', 'results', 'send-latest.json'), JSON.stringify({ at: new Date().toISOString(), messages: MESSAGES, rows }, null, 2) + '\n');
  } finally {
    await app.stop();
    await sink.stop();
    await dns.close();
    await db.drop();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
