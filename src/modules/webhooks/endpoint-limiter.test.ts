import { describe, expect, it } from 'vitest';
import { createEndpointLimiter } from './endpoint-limiter';

describe('endpoint limiter', () => {
  it('runs at most `limit` per key at once, in arrival order, and turns away more than `limit` waiting', async () => {
    const limiter = createEndpointLimiter(2);
    const started: number[] = [];
    let active = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const task = (n: number) => () => {
      started.push(n);
      peak = Math.max(peak, ++active);
      return new Promise<number>((r) => release.push(() => (active--, r(n))));
    };
    const runs = [1, 2, 3, 4, 5].map((n) => limiter.run('a', task(n)));
    const other = limiter.run('b', async () => 'b');
    expect(await runs[4]).toBeNull();
    expect(await other).toBe('b');
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual([1, 2]);
    while (release.length) {
      release.shift()!();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await Promise.all(runs.slice(0, 4))).toEqual([1, 2, 3, 4]);
    expect(started).toEqual([1, 2, 3, 4]);
    expect(peak).toBe(2);
  });
});
