import { describe, expect, it } from 'vitest';
import { expandEach, releasing } from './expand';

/** A source whose items are pushed by the test; records whether it was ended. */
function source<T>() {
  const queue: T[] = [];
  let wake: (() => void) | null = null;
  const state = { ended: false };
  const it: AsyncIterator<T> = {
    async next() {
      while (!queue.length && !state.ended) await new Promise<void>((r) => (wake = r));
      return state.ended ? { value: undefined, done: true } : { value: queue.shift()!, done: false };
    },
    async return() {
      state.ended = true;
      wake?.();
      return { value: undefined, done: true };
    },
  };
  return { it, state, push: (v: T) => (queue.push(v), wake?.()) };
}

describe('expandEach', () => {
  it('yields the expansions of each item in order, skipping empty ones', async () => {
    const s = source<number>();
    const out = expandEach(s.it, async (n) => Array.from({ length: n }, (_, i) => `${n}.${i}`));
    s.push(2);
    s.push(0);
    s.push(1);
    expect([(await out.next()).value, (await out.next()).value, (await out.next()).value]).toEqual(['2.0', '2.1', '1.0']);
  });

  it('return() ends the source at once, even while a next() waits on it', async () => {
    const s = source<number>();
    const out = expandEach(s.it, async (n) => [n]);
    const waiting = out.next();
    expect(await out.return!()).toEqual({ value: undefined, done: true });
    expect(s.state.ended).toBe(true);
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await out.next()).toEqual({ value: undefined, done: true });
  });
});

describe('releasing', () => {
  it('return() releases what the generator waits on, so it ends without another item', async () => {
    const s = source<number>();
    let finished = false;
    async function* gen(): AsyncGenerator<number> {
      try {
        for (;;) {
          const r = await s.it.next();
          if (r.done) return;
          yield r.value;
        }
      } finally {
        finished = true;
      }
    }
    const out = releasing(gen(), () => s.it.return!());
    s.push(1);
    expect((await out.next()).value).toBe(1);
    const waiting = out.next();
    expect(await out.return!()).toEqual({ value: undefined, done: true });
    expect([s.state.ended, finished]).toEqual([true, true]);
    expect(await waiting).toEqual({ value: undefined, done: true });
  });
});
