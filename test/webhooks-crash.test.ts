import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { buildServer, startWorkerProcess } from './support/processes';
import { createWebhook, startWebhookEnv, verifyWith, type WebhookEnv, webhookWorld } from './support/webhook-fixtures';

const EVENTS = 150;

let env: WebhookEnv;
const workers: ChildProcess[] = [];
let build = '';

/** Starts the worker process (job worker and event consumers); resolves once it started. */
async function startWorker(entry: string): Promise<ChildProcess> {
  const child = await startWorkerProcess(entry, {
    DATABASE_URL: env.s.app.databaseUrl,
    MAILROOM_SECRET: env.s.app.config.secret.toString('utf8'),
    MAILROOM_MAIL_DOMAIN: env.s.app.config.mailDomain,
    MAILROOM_WEBHOOK_ALLOW_PRIVATE: 'true',
    MAILROOM_WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_RETRY_SCHEDULE_SECONDS: '0,1,1',
    WORKER_CONCURRENCY: '4',
    WEBHOOK_ENDPOINT_CONCURRENCY: '2',
    LOG_LEVEL: 'info',
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  env = await startWebhookEnv({ runWorker: false });
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await env?.stop();
  if (build) rmSync(build, { recursive: true, force: true });
});

describe('a worker killed in the middle of webhook deliveries', () => {
  it('loses no event and re-sends only what was in flight, with the same webhook-id', { timeout: 180_000 }, async () => {
    build = buildServer('webhooks-crash', 'worker.ts');
    const entry = join(build, 'dist', 'src', 'worker.js');
    const w = await webhookWorld(env.s);
    const hooks = await Promise.all(
      ['/crash-1', '/crash-2'].map((path, i) => createWebhook(env.s, w.adminToken, { name: `Crash ${i}`, url: env.rx.url(path), events: ['ACTIVITY_SENT'], tenantId: w.tenantA })),
    );
    env.rx.setDelay(15);
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id, tenantUuid: w.tenantAUuid });
    // The consumer starts "from now" when the worker first starts: the events come after.
    const first = await startWorker(entry);
    const events = [];
    for (let i = 0; i < EVENTS; i += 50)
      events.push(
        ...(await recordEvents(
          env.s,
          m,
          Array.from({ length: 50 }, () => ActivityEventType.SENT),
        )),
      );
    await env.rx.waitFor('/crash-1', 40, 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = env.rx.on('/crash-1').length + env.rx.on('/crash-2').length - 2;
    expect(atKill).toBeLessThan(2 * EVENTS);

    await startWorker(entry);
    await env.rx.waitFor('/crash-1', EVENTS + 1, 90_000);
    await env.rx.waitFor('/crash-2', EVENTS + 1, 90_000);
    await expect
      .poll(
        async () =>
          (
            await systemEm(env.s.app.orm)
              .fork()
              .execute<{ n: number }[]>(`select count(*)::int as n from webhook_deliveries where account_id = ? and status = 'SUCCEEDED' and event_id is not null`, [w.accountId])
          )[0].n,
        { timeout: 30_000 },
      )
      .toBe(2 * EVENTS);
    for (const [i, path] of ['/crash-1', '/crash-2'].entries()) {
      const got = env.rx.on(path).slice(1);
      const eventIds = got.map((r) => verifyWith(hooks[i].signingSecret, r.headers, r.body).data.event.id as string);
      const distinct = new Set(got.map((r) => r.headers['webhook-id']));
      expect(distinct.size).toBe(EVENTS);
      expect(new Set(eventIds).size).toBe(EVENTS);
      // Every event arrived; a re-send carries the same webhook-id (distinct ids = events). At most 4 × 2 requests per endpoint are sent and not yet recorded (WEBHOOK_ENDPOINT_CONCURRENCY=2): at most 8 re-sends each.
      expect(got.length - EVENTS).toBeLessThanOrEqual(4 * 2);
    }
    console.info(`webhook crash test: ${atKill} requests before SIGKILL; re-sent after restart: ${env.rx.on('/crash-1').length + env.rx.on('/crash-2').length - 2 - 2 * EVENTS}`);
    expect(events).toHaveLength(EVENTS);
  });
});
