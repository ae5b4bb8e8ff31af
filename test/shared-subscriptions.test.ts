import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { insertApiToken, insertTwoTenants } from './support/factories';
import { ok, startTestServer, type TestServer } from './support/harness';
import { wsSession, type WsSession } from './support/ws-client';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

const DOC = 'subscription { activity { type recipient message { id status } } }';

async function expectStats(groups: number, members: number) {
  await expect.poll(() => s.app.liveSubscriptions(), { timeout: 5_000, interval: 20 }).toEqual({ groups, members });
}

async function setup() {
  const { accountId, adminToken } = await s.newAccount();
  const { tA, tB, dA, dB } = await insertTwoTenants(s, accountId);
  const mA = await insertMessage(s, { accountId, domainUuid: dA.id, tenantUuid: tA.id, recipient: 'alice@client-a.example' });
  const mB = await insertMessage(s, { accountId, domainUuid: dB.id, tenantUuid: tB.id, recipient: 'bob@client-b.example' });
  const tokenA = (await insertApiToken(s, { accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid: tA.id })).secret;
  const tokenB = (await insertApiToken(s, { accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid: tB.id })).secret;
  return { accountId, adminToken, tA, tB, mA, mB, tokenA, tokenB };
}

async function open(token: string, n: number): Promise<WsSession[]> {
  const out = Array.from({ length: n }, () => wsSession(s.url, token));
  await Promise.all(out.map((w) => w.connected));
  return out;
}

describe('live subscriptions share one execution per (document, variables, principal)', () => {
  it('sockets of one token with the same document share it; each gets every event; leaving keeps the others live', async () => {
    const { mA, tokenA } = await setup();
    const sockets = await open(tokenA, 3);
    try {
      const subs = sockets.map((w) => w.subscribe(DOC));
      await expectStats(1, 3);
      await recordEvents(s, mA, [ActivityEventType.QUEUED]);
      for (const sub of subs) await expect.poll(() => sub.items.length).toBe(1);
      const expected = { activity: { type: 'QUEUED', recipient: 'alice@client-a.example', message: { id: expect.any(String), status: 'QUEUED' } } };
      for (const sub of subs) expect(sub.items[0]).toEqual(expected);
      await sockets[0].close();
      await expectStats(1, 2);
      await recordEvents(s, mA, [ActivityEventType.SENT]);
      for (const sub of subs.slice(1)) await expect.poll(() => sub.items.map((i) => i.activity.type)).toEqual(['QUEUED', 'SENT']);
      expect(subs[0].items).toHaveLength(1);
    } finally {
      await Promise.all(sockets.map((w) => w.close()));
    }
    await expectStats(0, 0);
  });

  it('another principal never shares: tenant B’s socket gets none of A’s events, and a second token of A runs its own', async () => {
    const { accountId, tA, mA, mB, tokenA, tokenB } = await setup();
    const tokenA2 = (await insertApiToken(s, { accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid: tA.id })).secret;
    const [a] = await open(tokenA, 1);
    const [a2] = await open(tokenA2, 1);
    const [b] = await open(tokenB, 1);
    try {
      const subA = a.subscribe(DOC);
      const subA2 = a2.subscribe(DOC);
      const subB = b.subscribe(DOC);
      await expectStats(3, 3);
      await recordEvents(s, mA, [ActivityEventType.QUEUED]);
      await recordEvents(s, mB, [ActivityEventType.QUEUED, ActivityEventType.SENT]);
      await expect.poll(() => subA.items.length).toBe(1);
      await expect.poll(() => subA2.items.length).toBe(1);
      await expect.poll(() => subB.items.length).toBe(2);
      await new Promise((r) => setTimeout(r, 200));
      expect(JSON.stringify([subA.items, subA2.items])).not.toContain('client-b');
      expect(JSON.stringify(subB.items)).not.toContain('client-a');
      expect(subA.items).toHaveLength(1);
      expect(subB.items.map((i) => i.activity.recipient)).toEqual(['bob@client-b.example', 'bob@client-b.example']);
    } finally {
      await Promise.all([a, a2, b].map((w) => w.close()));
    }
  });

  it('different variables run apart, and a late joiner gets only what happens after it joined', async () => {
    const { mA, tokenA } = await setup();
    const [w1, w2, w3] = await open(tokenA, 3);
    try {
      const byVar = 'subscription ($f: ActivityFilterInput) { activity(filter: $f) { type } }';
      const queued = w1.subscribe(byVar, { f: { types: ['QUEUED'] } });
      const sent = w2.subscribe(byVar, { f: { types: ['SENT'] } });
      await expectStats(2, 2);
      await recordEvents(s, mA, [ActivityEventType.QUEUED, ActivityEventType.SENT]);
      await expect.poll(() => queued.items.length).toBe(1);
      await expect.poll(() => sent.items.length).toBe(1);
      expect(queued.items[0]).toEqual({ activity: { type: 'QUEUED' } });
      expect(sent.items[0]).toEqual({ activity: { type: 'SENT' } });
      const late = w3.subscribe(byVar, { f: { types: ['QUEUED'] } });
      await expectStats(2, 3);
      await recordEvents(s, mA, [ActivityEventType.QUEUED]);
      await expect.poll(() => queued.items.length).toBe(2);
      await expect.poll(() => late.items.length).toBe(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(late.items).toHaveLength(1);
    } finally {
      await Promise.all([w1, w2, w3].map((w) => w.close()));
    }
  });

  it('a replay from a cursor (`after`) runs on its own and replays what the socket asked for', async () => {
    const { mA, tokenA } = await setup();
    const [first] = await recordEvents(s, mA, [ActivityEventType.QUEUED, ActivityEventType.SENT]);
    const page = ok(await s.gql('{ activity(first: 10) { edges { cursor node { type } } } }', {}, tokenA)) as { activity: { edges: { cursor: string; node: { type: string } }[] } };
    const cursorOfQueued = page.activity.edges.find((e) => e.node.type === 'QUEUED')!.cursor;
    expect(first.type).toBe('QUEUED');
    const [w1, w2] = await open(tokenA, 2);
    try {
      const live = w1.subscribe('subscription ($after: String) { activity(after: $after) { type } }', { after: null });
      const replay = w2.subscribe('subscription ($after: String) { activity(after: $after) { type } }', { after: cursorOfQueued });
      await expect.poll(() => replay.items.map((i) => i.activity.type)).toEqual(['SENT']);
      // Only the live one is a shared execution.
      await expectStats(1, 1);
      await recordEvents(s, mA, [ActivityEventType.DELIVERED]);
      await expect.poll(() => replay.items.map((i) => i.activity.type)).toEqual(['SENT', 'DELIVERED']);
      await expect.poll(() => live.items.map((i) => i.activity.type)).toEqual(['DELIVERED']);
    } finally {
      await Promise.all([w1, w2].map((w) => w.close()));
    }
  });

  it('a refused subscription is refused for each socket alike and leaves nothing running', async () => {
    const { accountId } = await setup();
    const noRead = (await insertApiToken(s, { accountId, permissions: [Permission.TEMPLATES_READ] })).secret;
    const [w1, w2] = await open(noRead, 2);
    try {
      const [r1, r2] = await Promise.all([w1.run(DOC), w2.run(DOC)]);
      for (const r of [r1, r2]) {
        expect(r.data ?? null).toBeNull();
        expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      await expectStats(0, 0);
    } finally {
      await Promise.all([w1, w2].map((w) => w.close()));
    }
  });
});
