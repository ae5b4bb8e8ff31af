import type { ConsumerLag } from '../events/consumer-cursors.queries';
import type { QueueDepth } from '../jobs/queue-depth.queries';
import type { PoolUse } from '../db/pool.queries';
import type { Metrics } from '../lib/metrics';

/** What the scrape-time gauges read (system-level readers, built by the app). */
export interface GaugeSources {
  /** Open WebSocket connections of this process. */
  sockets(): number;
  /** GraphQL operations running on them. */
  operations(): number;
  pool(): PoolUse | null;
  queueDepth(): Promise<QueueDepth[]>;
  consumerLag(): Promise<ConsumerLag[]>;
}

/**
 * Registers the scrape-time collectors: sockets and operations, the API pool's connections, the
 * queue depth by task and state, and each event consumer's lag (events and seconds). The gauges of
 * series that disappeared (a drained task) are reset first. Returns their removal.
 */
export function registerGaugeCollectors(metrics: Metrics, src: GaugeSources): () => void {
  const removers = [
    metrics.collect(() => {
      metrics.sockets.set(src.sockets());
      metrics.subscriptions.set(src.operations());
      const pool = src.pool();
      if (!pool) return;
      metrics.dbPool.set({ state: 'used' }, pool.used);
      metrics.dbPool.set({ state: 'free' }, pool.free);
      metrics.dbPool.set({ state: 'pending' }, pool.pending);
    }),
    metrics.collect(async () => {
      const depth = await src.queueDepth();
      metrics.queueDepth.reset();
      for (const d of depth) metrics.queueDepth.set({ task: d.task, state: d.state }, d.jobs);
    }),
    metrics.collect(async () => {
      const lag = await src.consumerLag();
      metrics.consumerLagEvents.reset();
      metrics.consumerLagSeconds.reset();
      for (const c of lag) {
        metrics.consumerLagEvents.set({ consumer: c.name }, c.eventsBehind);
        metrics.consumerLagSeconds.set({ consumer: c.name }, c.secondsBehind);
      }
    }),
  ];
  return () => removers.forEach((r) => r());
}
