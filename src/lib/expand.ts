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

/**
 * `generator` with a `return()` (a subscriber leaving) that first calls `release`, which must end what the
 * generator waits on (its bus listener, its queue): an async generator's own `return()` waits until its
 * next `yield`, so a stream waiting on a quiet topic would keep its listener (and its context) until the
 * topic's next message. `throw()` releases as well.
 */
export function releasing<T>(generator: AsyncGenerator<T>, release: () => unknown): AsyncIterableIterator<T> {
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => generator.next(),
    async return(value?: unknown): Promise<IteratorResult<T>> {
      await release();
      return generator.return(value as T);
    },
    async throw(err?: unknown): Promise<IteratorResult<T>> {
      await release();
      return generator.throw(err);
    },
  };
}
