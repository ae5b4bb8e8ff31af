import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { ActivityEvent } from '../src/modules/activity/activity-event.entity';
import { ActivityEventType } from '../src/events/event-type';
import { Message } from '../src/modules/sending/message.entity';
import { MessageStatus } from '../src/modules/sending/message.types';
import { BulkEmailStatusDocument, SendBulkEmailDocument } from './generated/graphql';
import { ok } from './support/harness';
import { buildServer, startWorkerProcess } from './support/processes';
import { header, inbox, mail, type SendingEnv, startSendingEnv, tenantWithDomain, uuidOf } from './support/sending-fixtures';

const CONCURRENCY = 4;
const TOTAL = 200;

let env: SendingEnv;
const workers: ChildProcess[] = [];
let build = '';

/** Starts the worker process (direct delivery to the sink); resolves once it runs. */
async function startWorker(entry: string): Promise<ChildProcess> {
  const child = await startWorkerProcess(entry, {
    DATABASE_URL: env.s.app.databaseUrl,
    MAILROOM_SECRET: env.s.app.config.secret.toString('utf8'),
    MAILROOM_MAIL_DOMAIN: env.s.app.config.mailDomain,
    PUBLIC_URL: env.s.app.config.publicUrl,
    DELIVERY_MODE: 'direct',
    MX_PORT: String(env.sink.port),
    DNS_SERVERS: env.dns.address,
    WORKER_CONCURRENCY: String(CONCURRENCY),
    DELIVERY_RETRY_BASE_SECONDS: '1',
    LOG_LEVEL: 'info',
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  env = await startSendingEnv({ runWorker: false });
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await env?.stop();
  if (build) rmSync(build, { recursive: true, force: true });
});

describe('a worker killed in the middle of a bulk send', () => {
  it('loses nothing and re-sends at most the messages in flight (≤ concurrency) after SIGKILL and restart', { timeout: 180_000 }, async () => {
    build = buildServer('sending-crash', 'worker.ts');
    const entry = join(build, 'dist', 'src', 'worker.js');
    const t = await tenantWithDomain(env);
    env.sink.setDelay(20);
    const recipients = Array.from({ length: TOTAL }, () => inbox('crash'));
    const requests = recipients.map((to) => mail(`news@${t.domain.name}`, to));
    const first = await startWorker(entry);
    const bulk = ok(await env.s.gql(SendBulkEmailDocument, { input: { requests } }, t.token)).sendBulkEmail.bulkEmail;

    const before = env.sink.messages.length;
    await env.sink.waitFor(null, before + 60, 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = env.sink.messages.length - before;
    expect(atKill).toBeLessThan(TOTAL);

    await startWorker(entry);
    const em = systemEm(env.s.app.orm);
    const bulkId = uuidOf(bulk.id, 'BulkSend');
    const started = Date.now();
    for (;;) {
      const status = ok(await env.s.gql(BulkEmailStatusDocument, { id: bulk.id }, t.token)).bulkEmailStatus;
      const delivered = await em.fork().count(Message, { bulkId, status: MessageStatus.DELIVERED });
      if (status.status === 'COMPLETED' && delivered === TOTAL) break;
      if (Date.now() - started > 120_000) throw new Error(`not done: ${JSON.stringify(status)}, delivered ${delivered}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const byRecipient = new Map<string, number>();
    for (const m of env.sink.messages.slice(before)) for (const r of m.rcptTo) byRecipient.set(r, (byRecipient.get(r) ?? 0) + 1);
    const missing = recipients.filter((r) => !byRecipient.has(r));
    const duplicates = [...byRecipient.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(missing).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
    // A duplicate is a re-send of the very same message: same Message-ID, same signature.
    const ids = new Set(env.sink.messages.slice(before).map((m) => header(m.raw, 'Message-ID')));
    expect(ids.size).toBe(TOTAL);

    // The dead pool was detected and forgotten; only the running worker is registered.
    const pools = await em.getConnection().execute<{ id: string }[]>('select id from worker_pools');
    expect(pools).toHaveLength(1);

    const rows = await em.fork().find(Message, { bulkId });
    expect(rows).toHaveLength(TOTAL);
    const deliveredEvents = await em.fork().count(ActivityEvent, { message: { $in: rows.map((r) => r.id) }, type: ActivityEventType.DELIVERED });
    expect(deliveredEvents).toBe(TOTAL);
    console.info(`crash test: ${atKill} delivered before SIGKILL, ${duplicates} duplicate(s) after restart (concurrency ${CONCURRENCY})`);
  });
});
