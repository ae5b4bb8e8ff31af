import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver got. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** Requests to its path being answered when it arrived, itself included. */
  inFlight: number;
}

/** A loopback HTTP receiver for webhooks: records every request; `respond` picks the status per path. */
export interface WebhookReceiver {
  url(path: string): string;
  received: ReceivedWebhook[];
  /** Requests to one path. */
  on(path: string): ReceivedWebhook[];
  /** Sets the answer of a path: a status, or a function of how many requests the path got before. */
  respond(path: string, status: number | ((n: number) => number)): void;
  /** Delays every answer by `ms` (requests in flight for longer). */
  setDelay(ms: number): void;
  /** The most requests to `path` that were being answered at once. */
  peakInFlight(path: string): number;
  /** Resolves when `path` has received `n` requests (or throws after `timeoutMs`). */
  waitFor(path: string, n: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (port chosen by the system); unknown paths answer 200. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers = new Map<string, number | ((n: number) => number)>();
  let delayMs = 0;
  const active = new Map<string, number>();
  const peaks = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const before = received.filter((r) => r.path === path).length;
      const a = answers.get(path) ?? 200;
      active.set(path, (active.get(path) ?? 0) + 1);
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), inFlight: active.get(path)! });
      peaks.set(path, Math.max(peaks.get(path) ?? 0, active.get(path)!));
      const answer = () => {
        active.set(path, active.get(path)! - 1);
        res.writeHead(typeof a === 'function' ? a(before) : a, { 'content-type': 'text/plain' });
        res.end(`answer to ${path}`);
      };
      if (delayMs) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const on = (path: string) => received.filter((r) => r.path === path);
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    on,
    respond: (path, status) => void answers.set(path, status),
    setDelay: (ms) => void (delayMs = ms),
    peakInFlight: (path) => peaks.get(path) ?? 0,
    async waitFor(path, n, timeoutMs = 15_000) {
      const started = Date.now();
      while (on(path).length < n) {
        if (Date.now() - started > timeoutMs) throw new Error(`${path} got ${on(path).length} of ${n} requests in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return on(path);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
