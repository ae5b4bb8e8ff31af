import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { systemEm } from '../src/context';
import { BulkSend, BulkSendStatus } from '../src/modules/sending/bulk-send.entity';
import { benchDatabase, seedSendingDomain } from './support';

/*
 * One file to many recipients in one bulk send (issue 13): a BENCH_MB (10) MB PDF given once as the
 * bulk send's shared attachment, BENCH_RECIPIENTS (500) requests of one recipient each, scheduled a day
 * ahead (so nothing is delivered during the run: acceptance only). Measured: the sendBulkEmail call,
 * the time until the bulk send is processed (every request a stored message with its attachment link),
 * and the bytes stored for it — the attachment's bytes, the stored requests, the link rows — beside the
 * same bulk send without the file (the baseline, same run). Goal: bytes stored ≈ 1× the file, not 500×.
 */

const MB = Number(process.env.BENCH_MB ?? 10);
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 500);
const SEND_BULK = `mutation($input: SendBulkEmailInput!) { sendBulkEmail(input: $input) { bulkEmail { id } } }`;

interface Run {
  run: string;
  requestBytes: number;
  callSeconds: number;
  processedSeconds: number;
  blobBytes: number;
  requestsBytes: number;
  linkRows: number;
}

async function main(): Promise<void> {
  const db = await benchDatabase('attachments');
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'warn', MAILROOM_DATA_DIR: process.env.MAILROOM_DATA_DIR ?? '.data/bench-attachments' },
    { databaseUrl: db.url, port: 0, host: '127.0.0.1', runWorker: true, bootstrapToken: null, deliveryMode: 'direct', rateLimitApiPerCredential: 100_000_000 },
  );
  const app = await createApp(config);
  const em = () => systemEm(app.orm);
  try {
    const { token, domainName } = await seedSendingDomain(app);
    const file = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(MB * 1024 * 1024 - 9)]);
    const sendAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const requests = (tag: string) =>
      Array.from({ length: RECIPIENTS }, (_, i) => ({
        from: { email: `billing@${domainName}` },
        to: [{ email: `r${i}-${tag}@inbox.bench.test` }],
        subject: `Invoice ${i}`,
        text: 'Your invoice is attached.',
        sendAt,
      }));
    const runs: Run[] = [];
    for (const [name, attachments] of [
      ['without the file (baseline)', null],
      [`one ${MB} MB PDF shared by all ${RECIPIENTS}`, [{ filename: 'invoice.pdf', content: file.toString('base64') }]],
    ] as const) {
      const body = JSON.stringify({ query: SEND_BULK, variables: { input: { requests: requests(String(runs.length)), attachments } } });
      const started = performance.now();
      const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
      const answer = (await res.json()) as { data?: { sendBulkEmail: { bulkEmail: { id: string } } }; errors?: unknown };
      const called = performance.now();
      if (!answer.data) throw new Error(JSON.stringify(answer.errors));
      const bulkId = Buffer.from(answer.data.sendBulkEmail.bulkEmail.id, 'base64url').toString().split(':')[1];
      // The stored requests, as submitted (they are dropped once processed).
      const [{ requests: requestsBytes }] = await em().execute<{ requests: string | null }[]>('select pg_column_size(requests)::text as requests from bulk_sends where id = ?', [bulkId]);
      for (;;) {
        const bulk = await em().findOneOrFail(BulkSend, { id: bulkId });
        if (bulk.status === BulkSendStatus.COMPLETED) {
          if (bulk.messagesQueued !== RECIPIENTS || bulk.failed) throw new Error(`${bulk.messagesQueued} of ${RECIPIENTS} queued, ${bulk.failed} refused: ${JSON.stringify(bulk.errors[0])}`);
          break;
        }
        if (performance.now() - started > 600_000) throw new Error('bulk send not processed in 10 minutes');
        await new Promise((r) => setTimeout(r, 50));
      }
      const processed = performance.now();
      const [sizes] = await em().execute<{ blobs: string; links: string }[]>(
        `select (select coalesce(sum(octet_length(bytes)), 0) from attachment_blobs)::text as blobs,
                (select count(*) from message_attachments l join messages m on m.id = l.message_id where m.bulk_id = ?)::text as links`,
        [bulkId],
      );
      const before = runs.reduce((n, r) => n + r.blobBytes, 0);
      runs.push({
        run: name,
        requestBytes: Buffer.byteLength(body),
        callSeconds: (called - started) / 1000,
        processedSeconds: (processed - started) / 1000,
        blobBytes: Number(sizes.blobs) - before,
        requestsBytes: Number(requestsBytes ?? 0),
        linkRows: Number(sizes.links),
      });
      console.log(name, runs.at(-1));
    }
    const mib = (n: number) => (n / 1024 / 1024).toFixed(2);
    const table = [
      '| bulk send | request body MiB | sendBulkEmail call s | processed (all messages stored) s | attachment bytes stored MiB | × the file | stored requests (as submitted) MiB | link rows |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...runs.map(
        (r) =>
          `| ${r.run} | ${mib(r.requestBytes)} | ${r.callSeconds.toFixed(2)} | ${r.processedSeconds.toFixed(2)} | ${mib(r.blobBytes)} | ${(r.blobBytes / file.length).toFixed(2)} | ${mib(r.requestsBytes)} | ${r.linkRows} |`,
      ),
    ].join('\n');
    console.log(`\n${new Date().toISOString()} — ${RECIPIENTS} recipients, a ${MB} MB file\n\n${table}\n`);
    mkdirSync(join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
    writeFileSync(
      join(__dirname, '..', '..', 'bench', 'results', 'attachment-bulk-latest.json'),
      JSON.stringify({ at: new Date().toISOString(), mb: MB, recipients: RECIPIENTS, runs }, null, 2) + '\n',
    );
  } finally {
    await app.stop();
    await db.drop();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
