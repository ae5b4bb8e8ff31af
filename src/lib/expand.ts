/**
 * A stream that turns each item of `source` into zero or more items (`expand`, awaited in order) and
 * yields them one by one. Unlike an async generator, its `return()` (a subscriber leaving) ends
 * `source` at once, even while a `next()` waits on it: a bus listener is not kept until the next message.
 */
export function expandEach<T, U>(source: AsyncIterator<T>, expand: (item: T) => Promise<readonly U[]>): AsyncIterableIterator<U> {
  let ready: U[] = [];
  let ended = false;
  const end = async (): Promise<IteratorResult<U>> => {
    ended = true;
    ready = [];
    await source.return?.();
    return { value: undefined, done: true };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<U>> {
      for (;;) {
        if (ready.length) return { value: ready.shift()!, done: false };
        if (ended) return { value: undefined, done: true };
        const r = await source.next();
        if (r.done || ended) return { value: undefined, done: true };
        ready = [...(await expand(r.value))];
      }
    },
    return: end,
    async throw(err?: unknown): Promise<IteratorResult<U>> {
      await end();
      throw err;
    },
  };
}
