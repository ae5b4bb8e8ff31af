import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { consumerLag } from '../src/events/consumer-cursors.queries';
import { type ConsumerRunner, type EventConsumer, startConsumers } from '../src/events/consumers';
import type { EventRow } from '../src/events/event-row';
import { insertPlatformEvents, isPlatformEvent, type StreamEvent } from '../src/events/platform-events.queries';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { insertDomain } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';

const OPS_TOKEN = 'ops-secret-ops-secret-ops-secret';
let s: TestServer;
const runners: ConsumerRunner[] = [];

beforeAll(async () => {
  s = await startTestServer({ opsToken: OPS_TOKEN });
  await systemEm(s.app.orm).execute('create table if not exists test_consumer_effects (consumer text not null, event_id bigint not null)');
});
afterAll(async () => {
  for (const r of runners) await r.stop();
  await s?.stop();
});

/** Commits `n` events of one fresh account; returns their ids in order. */
/** Accounts this file made: other test files commit events into the same database at the same time. */
const mine = new Set<string>();

async function commitEvents(n: number): Promise<string[]> {
  const { accountId } = await s.newAccount();
  mine.add(accountId);
  const domain = await insertDomain(s, { accountId });
  const m = await insertMessage(s, { accountId, domainUuid: domain.id });
  const rows = await recordEvents(
    s,
    m,
    Array.from({ length: n }, () => ActivityEventType.SENT),
  );
  return rows.map((r) => r.id);
}

/** A consumer that writes one row per event in the batch's transaction (and may fail on demand). */
function recorder(name: string, opts: { failTimes?: number; batchSize?: number; seen?: EventRow[] } = {}): EventConsumer<null> & { attempts: number } {
  let failures = opts.failTimes ?? 0;
  const c = {
    name,
    batchSize: opts.batchSize,
    attempts: 0,
    async handle(em: EntityManager, events: readonly EventRow[]) {
      c.attempts++;
      events = events.filter((e) => mine.has(e.accountId));
      for (const e of events) await em.execute('insert into test_consumer_effects (consumer, event_id) values (?, ?)', [name, e.id]);
      if (failures > 0) {
        failures--;
        throw new Error('handler failed on purpose');
      }
      opts.seen?.push(...events);
    },
  };
  return c;
}

async function start(consumers: EventConsumer<null>[]): Promise<ConsumerRunner> {
  const r = await startConsumers({ orm: s.app.orm, consumers, deps: null, logger: s.app.deps.logger, pollMs: 200 });
  runners.push(r);
  return r;
}

async function effects(consumer: string): Promise<string[]> {
  const rows = await systemEm(s.app.orm).execute<{ event_id: string }[]>('select event_id::text as event_id from test_consumer_effects where consumer = ? order by event_id::bigint', [consumer]);
  return rows.map((r) => r.event_id);
}

describe('durable event consumers', () => {
  it('a new consumer starts from now and then sees every committed event once, in id order', async () => {
    await commitEvents(3);
    const seen: EventRow[] = [];
    const r = await start([recorder('from-now', { seen, batchSize: 4 })]);
    const ids = await commitEvents(10);
    await r.drain();
    expect(seen.map((e) => e.id)).toEqual(ids);
    expect(await effects('from-now')).toEqual(ids);
  });

  it('a batch whose handler throws is rolled back and retried with backoff: its writes happen exactly once', async () => {
    const c = recorder('flaky', { failTimes: 2 });
    const r = await start([c]);
    const ids = await commitEvents(5);
    const started = Date.now();
    await r.drain();
    expect(c.attempts).toBeGreaterThanOrEqual(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500); // 1 s then 2 s of backoff
    expect(await effects('flaky')).toEqual(ids);
    const lag = (await consumerLag(systemEm(s.app.orm))).find((l) => l.name === 'flaky')!;
    expect(lag).toMatchObject({ failures: 0, lastError: null });
    expect(BigInt(lag.lastEventId)).toBeGreaterThanOrEqual(BigInt(ids.at(-1)!));
  });

  it('a failing consumer does not hold up the others, and its failure and lag are visible', async () => {
    const broken = recorder('broken', { failTimes: 1000 });
    const healthy = recorder('healthy');
    const r = await start([broken, healthy]);
    const ids = await commitEvents(4);
    await new Promise((res) => setTimeout(res, 1500));
    expect(await effects('healthy')).toEqual(ids);
    expect(await effects('broken')).toEqual([]);
    const lag = (await consumerLag(systemEm(s.app.orm))).find((l) => l.name === 'broken')!;
    expect(lag.failures).toBeGreaterThanOrEqual(1);
    expect(lag.lastError).toBe('handler failed on purpose');
    expect(lag.eventsBehind).toBeGreaterThanOrEqual(4);
    expect(lag.secondsBehind).toBeGreaterThan(0);
    // Operators read the same over HTTP with the ops token; nobody else does.
    expect((await fetch(`${s.url}/ops/consumers`)).status).toBe(401);
    expect((await fetch(`${s.url}/ops/consumers`, { headers: { authorization: 'Bearer wrong-wrong-wrong-wrong-wrong' } })).status).toBe(401);
    const res = await fetch(`${s.url}/ops/consumers`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    const body = (await res.json()) as { consumers: { name: string; failures: number; eventsBehind: number; lastError: string }[] };
    expect(body.consumers.find((c) => c.name === 'broken')).toMatchObject({ lastError: 'handler failed on purpose' });
    expect(body.consumers.find((c) => c.name === 'broken')!.eventsBehind).toBeGreaterThanOrEqual(4);
    expect(body.consumers.find((c) => c.name === 'healthy')).toMatchObject({ failures: 0, lastError: null });
    await r.stop();
  });

  it('two processes running the same consumer apply each event once between them', async () => {
    const seenA: EventRow[] = [];
    const seenB: EventRow[] = [];
    const a = await start([recorder('shared', { seen: seenA, batchSize: 7 })]);
    const b = await start([recorder('shared', { seen: seenB, batchSize: 7 })]);
    const ids = [...(await commitEvents(30)), ...(await commitEvents(30))];
    await new Promise((res) => setTimeout(res, 300));
    await Promise.all([a.drain(), b.drain()]);
    expect(await effects('shared')).toEqual(ids);
    expect([...seenA, ...seenB].map((e) => e.id).sort()).toEqual([...ids].sort());
  });

  it('the operators endpoint does not exist without an ops token', async () => {
    const plain = await startTestServer();
    try {
      expect((await fetch(`${plain.url}/ops/consumers`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } })).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });

  it('a consumer of some event types gets exactly those, in order, and its cursor moves past the others', async () => {
    const seen: EventRow[] = [];
    const c = { ...recorder('typed', { seen, batchSize: 3 }), types: [ActivityEventType.HARD_BOUNCED] };
    const r = await start([c]);
    const { accountId } = await s.newAccount();
    mine.add(accountId);
    const domain = await insertDomain(s, { accountId });
    const m = await insertMessage(s, { accountId, domainUuid: domain.id });
    const written = await recordEvents(s, m, [
      ActivityEventType.SENT,
      ActivityEventType.HARD_BOUNCED,
      ActivityEventType.DELIVERED,
      ActivityEventType.HARD_BOUNCED,
      ActivityEventType.OPENED,
      ActivityEventType.HARD_BOUNCED,
      ActivityEventType.HARD_BOUNCED,
      ActivityEventType.CLICKED,
    ]);
    await r.drain();
    const wanted = written.filter((e) => e.type === ActivityEventType.HARD_BOUNCED).map((e) => e.id);
    expect(seen.map((e) => e.id)).toEqual(wanted);
    expect(await effects('typed')).toEqual(wanted);
    const lag = (await consumerLag(systemEm(s.app.orm))).find((l) => l.name === 'typed')!;
    expect(BigInt(lag.lastEventId)).toBeGreaterThanOrEqual(BigInt(written.at(-1)!.id));
  });

  it('a consumer may start after a given event id', async () => {
    const ids = await commitEvents(6);
    const r = await start([{ ...recorder('from-id'), startAfter: ids[2] }]);
    await r.drain();
    expect(await effects('from-id')).toEqual(ids.slice(3));
  });

  it('platform events share the stream: a stream consumer gets both kinds in id order, an activity consumer only its own (its cursor moves past the rest)', async () => {
    const stream: StreamEvent[] = [];
    const activity: EventRow[] = [];
    const r = await start([
      {
        name: 'stream',
        platformEvents: true,
        async handle(_em, events) {
          stream.push(...events);
        },
      },
      {
        name: 'activity-only',
        async handle(_em, events) {
          activity.push(...events);
        },
      },
    ]);
    const { accountId } = await s.newAccount();
    const domain = await insertDomain(s, { accountId });
    const first = await commitEvents(2);
    const [platform] = await insertPlatformEvents(systemEm(s.app.orm), [
      { type: 'DOMAIN_STATUS_CHANGED', accountId, tenantId: null, domainId: domain.id, senderIdentityId: null, subjectId: domain.id, data: { status: 'FAILED' } },
    ]);
    const last = await commitEvents(2);
    await r.drain();
    // Other test files commit events into the same database meanwhile: look at ours only.
    const ours = new Set([...first, platform.id, ...last]);
    const mine = <T extends StreamEvent>(list: T[]) => list.filter((e) => ours.has(e.id));
    expect(mine(stream).map((e) => e.id)).toEqual([...first, platform.id, ...last]);
    expect(mine(stream).map((e) => isPlatformEvent(e))).toEqual([false, false, true, false, false]);
    expect(mine(activity).map((e) => e.id)).toEqual([...first, ...last]);
    expect(activity.some(isPlatformEvent)).toBe(false);
    // Only the platform event after the last activity event: the activity consumer's cursor still moves past it.
    const [tail] = await insertPlatformEvents(systemEm(s.app.orm), [
      { type: 'DOMAIN_STATUS_CHANGED', accountId, tenantId: null, domainId: domain.id, senderIdentityId: null, subjectId: domain.id, data: {} },
    ]);
    await r.drain();
    const lag = await consumerLag(systemEm(s.app.orm));
    for (const name of ['activity-only', 'stream']) expect(BigInt(lag.find((l) => l.name === name)!.lastEventId) >= BigInt(tail.id), name).toBe(true);
    expect(stream.some((e) => e.id === tail.id)).toBe(true);
    expect(activity.some((e) => e.id === tail.id)).toBe(false);
  });
});
