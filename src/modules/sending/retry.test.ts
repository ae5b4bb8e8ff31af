import { describe, expect, it } from 'vitest';
import { nextRetryAt } from './retry';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('nextRetryAt', () => {
  it('doubles the delay per attempt from the base, capped at 4 hours', () => {
    expect(nextRetryAt(1, t0, t0, 60, 72)).toEqual(at(60_000));
    expect(nextRetryAt(2, t0, t0, 60, 72)).toEqual(at(120_000));
    expect(nextRetryAt(5, t0, t0, 60, 72)).toEqual(at(16 * 60_000));
    expect(nextRetryAt(20, t0, t0, 60, 72)).toEqual(at(4 * 3600_000));
  });

  it('makes the last attempt when the window closes, then gives up', () => {
    const nearEnd = at(72 * 3600_000 - 1000);
    expect(nextRetryAt(30, t0, nearEnd, 60, 72)).toEqual(at(72 * 3600_000));
    expect(nextRetryAt(31, t0, at(72 * 3600_000), 60, 72)).toBeNull();
  });
});
