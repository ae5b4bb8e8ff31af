import type { IncomingMessage } from 'node:http';

/**
 * The client's IP address: the TCP peer, or — with `trustProxy`, behind a reverse proxy you run —
 * the last X-Forwarded-For entry (the one that proxy added; earlier ones are the client's to forge).
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (forwarded.length) return forwarded[forwarded.length - 1].slice(0, 64);
  }
  return req.socket.remoteAddress ?? null;
}
