import { describe, expect, it } from 'vitest';
import type { Bus } from '../context';
import { createCredentialCache } from './credential-cache';
import type { Principal } from './principal';

/** A bus that never delivers (the cache's subscription just waits). */
const quietBus: Bus = {
  publish: () => undefined,
  subscribe: () =>
    ({
      next: () => new Promise<IteratorResult<unknown>>(() => undefined),
      return: () => Promise.resolve({ done: true, value: undefined }),
      [Symbol.asyncIterator]() {
        return this;
      },
    }) as AsyncIterableIterator<unknown>,
};

function principal(n: number): Principal {
  return {
    kind: 'API_TOKEN',
    tokenId: `t${n}`,
    expiresAt: null,
    scope: { accountId: 'a', tenantIds: [], readableTenantIds: [], domainIds: [], identityIds: [] },
  } as unknown as Principal;
}

/** A cache over a lookup the test answers by hand, on a clock the test moves. */
function setup() {
  let now = 1_000;
  const calls: { resolve(p: Principal): void; reject(e: Error): void }[] = [];
  const cache = createCredentialCache({
    authenticate: () => new Promise<Principal>((resolve, reject) => calls.push({ resolve, reject })),
    bus: quietBus,
    now: () => now,
    maxAgeMs: 2000,
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { cache, calls, settle, at: (t: number) => (now = t) };
}

describe('credential cache', () => {
  it('renews an entry in use in the background past three quarters of its age, answering from it meanwhile', async () => {
    const { cache, calls, settle, at } = setup();
    const first = cache.current('Bearer x');
    calls[0].resolve(principal(1));
    expect(await first).toMatchObject({ tokenId: 't1' });
    const key = cache.keyOf('Bearer x');

    at(2_400); // younger than three quarters of its age: no lookup
    expect(cache.peek(key, 'Bearer x')).toMatchObject({ tokenId: 't1' });
    expect(calls).toHaveLength(1);

    at(2_600); // past three quarters of its age: answered at once, one lookup started
    expect(cache.peek(key, 'Bearer x')).toMatchObject({ tokenId: 't1' });
    expect(await cache.current('Bearer x')).toMatchObject({ tokenId: 't1' });
    expect(calls).toHaveLength(2);
    calls[1].resolve(principal(2));
    await settle();
    expect(cache.peek(key)).toMatchObject({ tokenId: 't2' });

    at(4_700); // the renewed entry holds until 2_600 + 2_000
    expect(cache.peek(key)).toBeUndefined();
  });

  it('drops the entry when a lookup fails, and never answers past the entry’s age', async () => {
    const { cache, calls, settle, at } = setup();
    const first = cache.current('Bearer y');
    calls[0].resolve(principal(1));
    await first;
    const key = cache.keyOf('Bearer y');

    at(2_700);
    expect(cache.peek(key, 'Bearer y')).toBeDefined();
    calls[1].reject(new Error('revoked'));
    await settle();
    expect(cache.peek(key)).toBeUndefined();

    const again = cache.current('Bearer y');
    expect(calls).toHaveLength(3);
    calls[2].reject(new Error('revoked'));
    await expect(again).rejects.toThrow('revoked');
  });

  it('refresh keeps the old entry for other readers until the answer comes, and shares a lookup on its way', async () => {
    const { cache, calls, settle } = setup();
    const first = cache.current('Bearer z');
    calls[0].resolve(principal(1));
    await first;
    const key = cache.keyOf('Bearer z');

    const a = cache.refresh('Bearer z');
    const b = cache.refresh('Bearer z');
    expect(calls).toHaveLength(2);
    expect(cache.peek(key)).toMatchObject({ tokenId: 't1' });
    calls[1].resolve(principal(3));
    expect(await a).toMatchObject({ tokenId: 't3' });
    expect(await b).toMatchObject({ tokenId: 't3' });
    await settle();
    expect(cache.peek(key)).toMatchObject({ tokenId: 't3' });
  });

  it('an invalidation drops the entry at once, even with a lookup on its way', async () => {
    const { cache, calls } = setup();
    const first = cache.current('Bearer w');
    calls[0].resolve(principal(1));
    await first;
    const key = cache.keyOf('Bearer w');
    const stale = cache.refresh('Bearer w');
    cache.invalidate(['token:t1']);
    expect(cache.peek(key)).toBeUndefined();
    calls[1].resolve(principal(1));
    await stale;
    // The lookup started before the invalidation does not store its answer.
    expect(cache.peek(key)).toBeUndefined();
  });
});
