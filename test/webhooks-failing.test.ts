import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { createWebhook, startWebhookEnv, type WebhookEnv, webhookWorld } from './support/webhook-fixtures';

// Four requests at once per endpoint; a retry only an hour later, so every request here is a first attempt.
let env: WebhookEnv;
beforeAll(async () => {
  env = await startWebhookEnv({ workerConcurrency: 2, webhookEndpointConcurrency: 4, webhookRetryScheduleSeconds: [0, 3600] });
});
afterAll(() => env?.stop());

describe('a failing endpoint', () => {
  it('is sent one request at a time once its last 10 attempts failed, and up to WEBHOOK_ENDPOINT_CONCURRENCY again after a success', async () => {
    const w = await webhookWorld(env.s);
    env.rx.setDelay(25);
    // Request 0 is the test ping on save; 1–40 fail; 41 on succeed.
    env.rx.respond('/flaky', (n) => (n >= 1 && n <= 40 ? 500 : 200));
    await createWebhook(env.s, w.adminToken, { name: 'Flaky', url: env.rx.url('/flaky'), events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainA) });
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id });
    await recordEvents(
      env.s,
      m,
      Array.from({ length: 80 }, () => ActivityEventType.SENT),
    );
    await env.s.app.consumers!.drain();
    const got = await env.rx.waitFor('/flaky', 81, 60_000);
    env.rx.setDelay(0);
    const inFlight = got.map((r) => r.inFlight);
    // The first requests overlap (the endpoint is healthy so far) …
    expect(Math.max(...inFlight.slice(1, 9))).toBeGreaterThan(1);
    // … the later failures go one at a time (the streak of 10 is counted as their outcomes are stored) …
    expect(inFlight.slice(25, 41)).toEqual(Array(16).fill(1));
    // … and once one succeeded, requests overlap again.
    expect(Math.max(...inFlight.slice(42))).toBeGreaterThan(1);
    expect(new Set(got.slice(1).map((r) => String(r.headers['webhook-id']))).size).toBe(80);
  });
});
