import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDispatcher } from './ssrf';
import { createWebhookSender, type WebhookSender } from './webhook-http';

/** A loopback receiver whose answer depends on the path. */
function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    switch (req.url) {
      case '/ok':
        res.writeHead(200, { 'x-echo': req.headers['webhook-id'] ?? '' }).end(`got ${body} ${req.headers['webhook-id']}`);
        return;
      case '/fail':
        res.writeHead(500).end('broken');
        return;
      case '/redirect':
        res.writeHead(302, { location: '/ok' }).end();
        return;
      case '/silent':
        return; // never answers
      case '/trickle': {
        // Headers at once, then a byte every 50 ms: never done within the deadline.
        res.writeHead(200);
        const t = setInterval(() => res.write('.'), 50);
        res.on('close', () => clearInterval(t));
        return;
      }
      case '/big':
        res.writeHead(200).end('é'.repeat(3000)); // 6,000 bytes, 3,000 characters
        return;
      case '/nul':
        res.writeHead(200).end('a\0b');
        return;
      default:
        res.writeHead(404).end();
    }
  });
}

describe('createWebhookSender', () => {
  let server: Server;
  let base: string;
  let sender: WebhookSender;
  const timeoutMs = 400;

  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sender = createWebhookSender(createWebhookDispatcher({ allowPrivate: true, timeoutMs, connections: 4 }), timeoutMs);
  });
  afterAll(async () => {
    await sender.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('posts the body with its headers and keeps the answer', async () => {
    const r = await sender.post(`${base}/ok`, { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, '{"a":1}');
    expect(r).toMatchObject({ status: 200, body: 'got {"a":1} msg_1', error: null, refused: false });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a non-2xx answer and does not follow redirects', async () => {
    expect(await sender.post(`${base}/fail`, {}, 'x')).toMatchObject({ status: 500, body: 'broken', error: 'HTTP 500' });
    expect(await sender.post(`${base}/redirect`, {}, 'x')).toMatchObject({ status: 302, body: '', error: 'HTTP 302' });
  });

  it('keeps the first 2,048 characters of a long answer (multi-byte characters whole) and replaces NULs', async () => {
    const big = await sender.post(`${base}/big`, {}, 'x');
    expect([big.status, big.body]).toEqual([200, 'é'.repeat(2048)]);
    expect((await sender.post(`${base}/nul`, {}, 'x')).body).toBe('a\uFFFDb');
  });

  it('times out a request that gets no answer, and one whose body never ends, at the deadline from its start', async () => {
    const [silent, trickle] = await Promise.all([sender.post(`${base}/silent`, {}, 'x'), sender.post(`${base}/trickle`, {}, 'x')]);
    for (const r of [silent, trickle]) {
      expect(r).toMatchObject({ status: null, body: null, error: 'Timed out', refused: false });
      expect(r.durationMs).toBeGreaterThanOrEqual(timeoutMs - 5);
      expect(r.durationMs).toBeLessThan(timeoutMs + 300);
    }
    // The sender still works afterwards.
    expect((await sender.post(`${base}/ok`, { 'webhook-id': 'msg_2' }, 'y')).status).toBe(200);
  });

  it('words a connection failure without internals', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await sender.post(`http://127.0.0.1:${port}/`, {}, 'x')).toMatchObject({ status: null, body: null, error: 'Network error (ECONNREFUSED)', refused: false });
  });

  it('refuses a private address unless allowed', async () => {
    const guarded = createWebhookSender(createWebhookDispatcher({ allowPrivate: false, timeoutMs, connections: 1 }), timeoutMs);
    try {
      const r = await guarded.post(`${base}/ok`, {}, 'x');
      expect(r).toMatchObject({ status: null, refused: true });
      expect(r.error).toMatch(/may not reach/);
    } finally {
      await guarded.close();
    }
  });
});
