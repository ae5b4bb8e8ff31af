import WebSocket from 'ws';

/**
 * The subscriber side of bench/fanout.ts, in its own process: opens N sockets (half with token A,
 * half with token B), subscribes, and records when each event arrives. Talks to the parent over IPC.
 */
interface Start {
  url: string;
  mode: 'graphql' | 'bare';
  tokens: [string, string];
  count: number;
}

const now = () => performance.timeOrigin + performance.now();
const arrivals = new Map<string, number[]>();
let deliveries = 0;

function record(id: string): void {
  deliveries++;
  const list = arrivals.get(id) ?? [];
  list.push(now());
  arrivals.set(id, list);
}

function open(start: Start, i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(start.url, start.mode === 'graphql' ? 'graphql-transport-ws' : undefined);
    ws.on('error', reject);
    ws.on('open', () => {
      if (start.mode === 'bare') {
        ws.on('message', (data) => record((JSON.parse(String(data)) as { id: string }).id));
        return resolve();
      }
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${start.tokens[i % 2]}` } }));
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { type: string; payload?: { data?: { activity?: { id: string } } } };
        if (msg.type === 'connection_ack') {
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { activity { id type occurredAt recipient } }' } }));
          resolve();
        } else if (msg.type === 'next' && msg.payload?.data?.activity) {
          record(msg.payload.data.activity.id);
        }
      });
    });
  });
}

process.on('message', async (msg: { start?: Start; report?: Record<string, number> }) => {
  if (msg.start) {
    for (let i = 0; i < msg.start.count; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, msg.start.count - i) }, (_, k) => open(msg.start!, i + k)));
    }
    process.send!({ ready: true });
  } else if (msg.report) {
    // msg.report: event id → commit (or send) time of each measured event (warm-up events are not in it). Latency of every delivery.
    const latencies: number[] = [];
    let first = Infinity;
    let last = 0;
    for (const [id, sentAt] of Object.entries(msg.report)) {
      for (const at of arrivals.get(id) ?? []) {
        latencies.push(at - sentAt);
        first = Math.min(first, sentAt);
        last = Math.max(last, at);
      }
    }
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
    process.send!({ result: { deliveries: latencies.length, p50: q(0.5), p99: q(0.99), perSecond: latencies.length / ((last - first) / 1000) } });
  }
});

process.on('message', (msg: { count?: boolean }) => {
  if (msg.count) process.send!({ deliveries });
});
