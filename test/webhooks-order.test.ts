import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { WebhookDocument } from './generated/graphql';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { ok } from './support/harness';
import type { ReceivedWebhook } from './support/webhook-receiver';
import { createWebhook, startWebhookEnv, type WebhookEnv, webhookWorld } from './support/webhook-fixtures';

// One request at a time per endpoint (WEBHOOK_ENDPOINT_CONCURRENCY=1), but four worker slots: several
// dispatch jobs run side by side, and kicks of one webhook meet while its dispatcher is busy.
let env: WebhookEnv;
beforeAll(async () => {
  env = await startWebhookEnv({ workerConcurrency: 4, webhookEndpointConcurrency: 1, webhookRetryScheduleSeconds: [0, 2] });
});
afterAll(() => env?.stop());

const drain = () => env.s.app.consumers!.drain();
const uuidOf = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1];

/** The stream event id of each received delivery (by its webhook-id, from the delivery log of that webhook). */
async function eventIdsOf(webhookGid: string, got: readonly ReceivedWebhook[]): Promise<string[]> {
  const rows = await systemEm(env.s.app.orm).execute<{ message_id: string; event_id: string }[]>('select message_id, event_id from webhook_deliveries where webhook_id = ? and event_id is not null', [
    uuidOf(webhookGid),
  ]);
  const byMessageId = new Map(rows.map((r) => [r.message_id, String(r.event_id)]));
  return got.map((r) => byMessageId.get(String(r.headers['webhook-id']))!);
}

describe('per-endpoint order', () => {
  it('with WEBHOOK_ENDPOINT_CONCURRENCY=1 an endpoint receives 200 events strictly in event order, one request at a time, committed in several batches beside another endpoint', async () => {
    const w = await webhookWorld(env.s);
    env.rx.setDelay(3);
    const { webhook } = await createWebhook(env.s, w.adminToken, {
      name: 'Ordered',
      url: env.rx.url('/order'),
      events: ['ACTIVITY_SENT', 'ACTIVITY_DELIVERED'],
      domainId: w.gid(w.domainA),
    });
    await createWebhook(env.s, w.adminToken, { name: 'Beside', url: env.rx.url('/order-beside'), events: ['ACTIVITY_SENT', 'ACTIVITY_DELIVERED'], tenantId: w.tenantA });
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id, tenantUuid: w.tenantAUuid });
    const events = [];
    for (let batch = 0; batch < 4; batch++) {
      events.push(
        ...(await recordEvents(
          env.s,
          m,
          Array.from({ length: 50 }, (_, i) => (i % 2 ? ActivityEventType.DELIVERED : ActivityEventType.SENT)),
        )),
      );
      // Let the dispatcher start on a batch while the next one commits.
      await new Promise((r) => setTimeout(r, 30));
    }
    await drain();
    const got = (await env.rx.waitFor('/order', 201, 60_000)).slice(1);
    await env.rx.waitFor('/order-beside', 201, 60_000);
    env.rx.setDelay(0);
    const order = await eventIdsOf(webhook.id, got);
    expect(order).toEqual(events.map((e) => e.id));
    expect(order.every((id, i) => i === 0 || BigInt(id) > BigInt(order[i - 1]))).toBe(true);
    expect(env.rx.peakInFlight('/order')).toBe(1);
    expect(env.rx.peakInFlight('/order-beside')).toBe(1);
  });

  it('a failed attempt is retried at its time on the schedule and does not hold later deliveries back: first attempts stay in event order, the retry comes after them', async () => {
    const w = await webhookWorld(env.s);
    // Requests before this one: 0 is the test ping, 3 is the third event's first attempt.
    env.rx.respond('/retry-order', (n) => (n === 3 ? 503 : 200));
    const { webhook } = await createWebhook(env.s, w.adminToken, { name: 'Retrying', url: env.rx.url('/retry-order'), events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainA) });
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id });
    const events = await recordEvents(
      env.s,
      m,
      Array.from({ length: 10 }, () => ActivityEventType.SENT),
    );
    await drain();
    const got = (await env.rx.waitFor('/retry-order', 12, 30_000)).slice(1);
    const ids = events.map((e) => e.id);
    const order = await eventIdsOf(webhook.id, got);
    expect(order).toEqual([...ids, ids[2]]);
    const third = got.filter((_, i) => order[i] === ids[2]);
    expect(third.map((r) => r.headers['webhook-id'])).toEqual([third[0].headers['webhook-id'], third[0].headers['webhook-id']]);
    expect(third[1].at - third[0].at).toBeGreaterThanOrEqual(1900);
    await expect.poll(async () => ok(await env.s.gql(WebhookDocument, { id: webhook.id, filter: { status: 'SUCCEEDED' } }, w.adminToken)).webhook!.deliveries.totalCount, { timeout: 5000 }).toBe(11); // the ten events and the test ping
    const log = ok(await env.s.gql(WebhookDocument, { id: webhook.id }, w.adminToken)).webhook!.deliveries.edges.map((e) => e.node);
    expect(log.filter((d) => d.attempts === 2)).toMatchObject([{ status: 'SUCCEEDED', responseStatus: 200 }]);
    expect(log.filter((d) => d.eventType !== null && d.attempts === 1)).toHaveLength(9);
  });
});
