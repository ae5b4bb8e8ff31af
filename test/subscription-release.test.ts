import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../src/context';
import type { EventFeed } from '../src/pubsub/event-feed';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { insertTwoTenants } from './support/factories';
import { ok, startTestServer, type TestServer } from './support/harness';
import { subscribe } from './support/ws-client';
import { createWebhook } from './support/webhook-fixtures';
import { WEBHOOK_DELIVERY_TOPIC } from '../src/modules/webhooks/webhook-attempt';

let s: TestServer;
/** Bus listeners open now, by topic, and activity feed listeners under `feed` (counted by wrapping the app's bus and feed). */
const open = new Map<string, number>();
const count = (key: string, by: number) => open.set(key, (open.get(key) ?? 0) + by);

beforeAll(async () => {
  // Request logging off: its writer would publish on requestLogged (the subscriptions' own calls), waking a lingering listener.
  s = await startTestServer({ requestLogs: false, webhookAllowPrivate: true });
  const bus = s.app.deps.bus as Bus;
  const subscribeBus = bus.subscribe.bind(bus);
  bus.subscribe = (topic) => {
    const it = subscribeBus(topic);
    count(topic, 1);
    let ended = false;
    const end = it.return?.bind(it);
    it.return = async (value?: unknown) => {
      if (!ended) count(topic, -1);
      ended = true;
      return end ? end(value) : { value: undefined, done: true };
    };
    return it;
  };
  const feed = s.app.deps.feed as EventFeed;
  const subscribeFeed = feed.subscribe.bind(feed);
  feed.subscribe = (listener) => {
    const unsubscribe = subscribeFeed(listener);
    count('feed', 1);
    let ended = false;
    return () => {
      if (!ended) count('feed', -1);
      ended = true;
      unsubscribe();
    };
  };
});
afterAll(() => s?.stop());

/** Opens three subscriptions, waits for their listeners (`listeners`: fewer when they share one), closes them and expects every listener gone with nothing published meanwhile. */
async function opensAndFrees(key: string, token: string, query: string, variables: Record<string, unknown> = {}, listeners = 3): Promise<void> {
  const before = open.get(key) ?? 0;
  const subs = [0, 1, 2].map(() => subscribe(s.url, token, query, variables));
  await expect.poll(() => open.get(key) ?? 0, { timeout: 5000 }).toBe(before + listeners);
  await new Promise((r) => setTimeout(r, 100));
  expect(subs.flatMap((x) => x.errors)).toEqual([]);
  await Promise.all(subs.map((x) => x.close()));
  await expect.poll(() => open.get(key) ?? 0, { timeout: 3000 }).toBe(before);
}

describe('a subscriber leaving frees its listener at once, with no message after it', () => {
  for (const [topic, query] of [
    ['requestLogged', 'subscription { requestLogged { id } }'],
    ['suppressionChanged', 'subscription { suppressionChanged { suppressionId kind } }'],
    ['blocklistAlerts', 'subscription { blocklistAlerts { id } }'],
    ['domainHealthChanged', 'subscription { domainHealthChanged { previousStatus } }'],
    ['domainStatusChanged', 'subscription { domainStatusChanged { id } }'],
  ] as const) {
    it(topic, async () => {
      const a = await s.newAccount();
      await opensAndFrees(topic, a.adminToken, query);
    });
  }

  it('activity(after:), replaying then live', async () => {
    const a = await s.newAccount();
    const { tA, dA } = await insertTwoTenants(s, a.accountId);
    await recordEvents(s, await insertMessage(s, { accountId: a.accountId, domainUuid: dA.id, tenantUuid: tA.id }), [ActivityEventType.QUEUED]);
    const page = ok(await s.gql<{ activity: { edges: { cursor: string }[] } }, unknown>('query { activity(first: 1) { edges { cursor } } }', {}, a.adminToken));
    expect(page.activity.edges).toHaveLength(1);
    // The newest event's cursor: nothing to replay, so the streams wait on the feed from the start.
    await opensAndFrees('feed', a.adminToken, 'subscription($after: String) { activity(after: $after) { id } }', { after: page.activity.edges[0].cursor });
  });

  it('webhookDeliveryUpdated', async () => {
    const a = await s.newAccount();
    // Nothing listens at its URL, so it is saved disabled: the subscription needs only a webhook in scope.
    const { webhook } = await createWebhook(s, a.adminToken, { name: 'release', url: 'https://127.0.0.1:9/hook', events: ['ACTIVITY_DELIVERED'] });
    await opensAndFrees(WEBHOOK_DELIVERY_TOPIC, a.adminToken, 'subscription($id: ID!) { webhookDeliveryUpdated(webhookId: $id) { id } }', { id: webhook.id });
  });

  it('activity without after (one shared listener for the three)', async () => {
    const a = await s.newAccount();
    await opensAndFrees('feed', a.adminToken, 'subscription { activity { id } }', {}, 1);
  });
});
