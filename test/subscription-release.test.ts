import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../src/context';
import { startTestServer, type TestServer } from './support/harness';
import { subscribe } from './support/ws-client';

let s: TestServer;
/** Bus listeners open now, by topic (counted by wrapping the app's bus). */
const open = new Map<string, number>();

beforeAll(async () => {
  // Request logging off: its writer would publish on requestLogged (the subscriptions' own calls), waking a lingering listener.
  s = await startTestServer({ requestLogs: false });
  const bus = s.app.deps.bus as Bus;
  const inner = bus.subscribe.bind(bus);
  bus.subscribe = (topic) => {
    const it = inner(topic);
    open.set(topic, (open.get(topic) ?? 0) + 1);
    let ended = false;
    const end = it.return?.bind(it);
    it.return = async (value?: unknown) => {
      if (!ended) open.set(topic, open.get(topic)! - 1);
      ended = true;
      return end ? end(value) : { value: undefined, done: true };
    };
    return it;
  };
});
afterAll(() => s?.stop());

describe('a subscriber leaving frees its bus listener at once, with no message after it', () => {
  for (const [name, topic, query] of [
    ['requestLogged', 'requestLogged', 'subscription { requestLogged { id } }'],
    ['suppressionChanged', 'suppressionChanged', 'subscription { suppressionChanged { suppressionId kind } }'],
  ] as const) {
    it(name, async () => {
      const a = await s.newAccount();
      const before = open.get(topic) ?? 0;
      const subs = [0, 1, 2].map(() => subscribe(s.url, a.adminToken, query));
      await expect.poll(() => open.get(topic) ?? 0, { timeout: 5000 }).toBe(before + 3);
      await Promise.all(subs.map((x) => x.close()));
      // Nothing is published on the topic meanwhile: the listeners must end on the leaving alone.
      await expect.poll(() => open.get(topic) ?? 0, { timeout: 3000 }).toBe(before);
      expect(subs.flatMap((x) => x.errors)).toEqual([]);
    });
  }
});
