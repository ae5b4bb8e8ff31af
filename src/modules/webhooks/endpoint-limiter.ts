/** Bounds the requests in flight per webhook within one process, first come first served. */
export interface EndpointLimiter {
  /**
   * Runs `fn` when fewer than `limit` requests of `key` are in flight, waiting in line for a turn; returns
   * null without running it when `limit` others already wait (the caller re-queues the job instead of
   * holding a worker slot), else `fn`'s result.
   */
  run<T>(key: string, fn: () => Promise<T>): Promise<T | null>;
}

/** A limiter of `limit` requests in flight and `limit` waiting per key. Pure (in-memory, per process). */
export function createEndpointLimiter(limit: number): EndpointLimiter {
  const lanes = new Map<string, { active: number; waiting: (() => void)[] }>();
  return {
    async run(key, fn) {
      let lane = lanes.get(key);
      if (!lane) lanes.set(key, (lane = { active: 0, waiting: [] }));
      if (lane.active >= limit) {
        if (lane.waiting.length >= limit) return null;
        await new Promise<void>((resolve) => lane!.waiting.push(resolve));
      } else lane.active++;
      try {
        return await fn();
      } finally {
        const next = lane.waiting.shift();
        if (next) next();
        else if (--lane.active === 0) lanes.delete(key);
      }
    },
  };
}
