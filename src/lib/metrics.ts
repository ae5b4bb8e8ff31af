import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Label value for operations past the cap of distinct names (clients choose names; the series must stay bounded). */
const OTHER = 'other';
const MAX_OPERATIONS = 200;
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Something read at scrape time (the queue depth, consumer lag, pool use), registered by whoever can read it. */
export type Collector = () => Promise<void> | void;

/**
 * One process's Prometheus metrics (prom-client) on a registry of its own, so several apps in one
 * process (tests) never share or double-register series. Counters and histograms are fed where
 * things happen; gauges are read at scrape time by collectors.
 */
export interface Metrics {
  readonly registry: Registry;
  /** A GraphQL request over HTTP ended: its operation (`query tenants,viewer`: type and root fields), outcome (`OK` or an error code), seconds. */
  httpRequest(operation: string, outcome: string, seconds: number): void;
  /** A GraphQL operation over WebSocket ended (a subscription: when it completed). */
  wsOperation(operation: string, outcome: string, seconds: number): void;
  /** A job of `task` ended, `ok` or failed, after `seconds`. */
  job(task: string, ok: boolean, seconds: number): void;
  /** A delivery attempt ended with `outcome` (the message event type: SENT, DELIVERED, DEFERRED, HARD_BOUNCED…). */
  delivery(outcome: string): void;
  /** Sets the open sockets and subscriptions (called at scrape time). */
  readonly sockets: Gauge<string>;
  readonly subscriptions: Gauge<string>;
  readonly queueDepth: Gauge<'task' | 'state'>;
  readonly consumerLagEvents: Gauge<'consumer'>;
  readonly consumerLagSeconds: Gauge<'consumer'>;
  readonly dbPool: Gauge<'state'>;
  /** Adds a scrape-time collector; returns its removal. */
  collect(c: Collector): () => void;
  /** The text exposition, after running the collectors (a failing one is skipped, its gauges stay as they were). */
  scrape(): Promise<string>;
}

/** Creates a process's metrics on a fresh registry, with Node's default process metrics. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mailroom_' });
  const known = new Set<string>();
  const bounded = (operation: string): string => {
    if (known.has(operation)) return operation;
    if (known.size >= MAX_OPERATIONS) return OTHER;
    known.add(operation);
    return operation;
  };
  const registers = [registry];
  /** A request counter and duration histogram by operation and outcome, fed together. */
  const operations = (total: string, seconds: string, what: string) => {
    const labelNames = ['operation', 'outcome'] as const;
    const count = new Counter({ name: total, help: `${what} by operation and outcome`, labelNames, registers });
    const time = new Histogram({ name: seconds, help: `${what}: duration`, labelNames, buckets: DURATION_BUCKETS, registers });
    return (operation: string, outcome: string, s: number) => {
      const labels = { operation: bounded(operation), outcome };
      count.inc(labels);
      time.observe(labels, s);
    };
  };
  const http = operations('mailroom_http_requests_total', 'mailroom_http_request_duration_seconds', 'GraphQL requests over HTTP');
  const ws = operations('mailroom_ws_operations_total', 'mailroom_ws_operation_duration_seconds', 'GraphQL operations over WebSocket (a subscription when it ends)');
  const jobTotal = new Counter({ name: 'mailroom_jobs_total', help: 'Jobs run by task and result', labelNames: ['task', 'result'], registers });
  const jobSeconds = new Histogram({ name: 'mailroom_job_duration_seconds', help: 'Job duration by task', labelNames: ['task'], buckets: DURATION_BUCKETS, registers });
  const deliveries = new Counter({ name: 'mailroom_deliveries_total', help: 'Delivery attempts by outcome', labelNames: ['outcome'], registers });
  const collectors = new Set<Collector>();
  const metrics: Metrics = {
    registry,
    httpRequest: http,
    wsOperation: ws,
    job(task, ok, seconds) {
      jobTotal.inc({ task, result: ok ? 'success' : 'failure' });
      jobSeconds.observe({ task }, seconds);
    },
    delivery(outcome) {
      deliveries.inc({ outcome });
    },
    sockets: new Gauge({ name: 'mailroom_ws_open_sockets', help: 'Open WebSocket connections', registers }),
    subscriptions: new Gauge({ name: 'mailroom_ws_subscriptions', help: 'Running GraphQL operations on WebSockets (subscriptions included)', registers }),
    queueDepth: new Gauge({ name: 'mailroom_job_queue_depth', help: 'Jobs in the durable queue by task and state (due, scheduled, running)', labelNames: ['task', 'state'], registers }),
    consumerLagEvents: new Gauge({ name: 'mailroom_event_consumer_lag_events', help: 'Events an event consumer has still to process', labelNames: ['consumer'], registers }),
    consumerLagSeconds: new Gauge({ name: 'mailroom_event_consumer_lag_seconds', help: 'Age of the oldest event an event consumer has still to process', labelNames: ['consumer'], registers }),
    dbPool: new Gauge({ name: 'mailroom_db_pool_connections', help: 'Connections of the API database pool by state (used, free, pending acquires)', labelNames: ['state'], registers }),
    collect(c) {
      collectors.add(c);
      return () => collectors.delete(c);
    },
    async scrape() {
      await Promise.all(
        [...collectors].map(async (c) => {
          try {
            await c();
          } catch {
            // A collector that cannot read now (the database is down) leaves its gauges as they were.
          }
        }),
      );
      return registry.metrics();
    },
  };
  return metrics;
}
