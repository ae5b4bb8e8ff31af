import type { Agent } from 'undici';
import { request } from 'undici';
import { RESPONSE_BODY_LIMIT } from './webhook-delivery.entity';

/** The outcome of one webhook request. */
export interface AttemptResult {
  /** The HTTP status; null when no answer came (network error, timeout, refused address). */
  status: number | null;
  body: string | null;
  durationMs: number;
  error: string | null;
  /** The SSRF guard refused the address. */
  refused: boolean;
}

/** Sends one webhook request. */
export interface WebhookSender {
  post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult>;
  close(): Promise<void>;
}

/** Reads at most `limit` characters of a response body, then stops reading (the rest is discarded). */
async function readSome(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  let out = '';
  for await (const chunk of body) {
    out += chunk.toString('utf8');
    if (out.length >= limit) break;
  }
  return out.slice(0, limit).replace(/\0/g, '\uFFFD');
}

/** Words a network failure for the delivery log (no stack, no resolved address). */
function isRefusal(err: unknown): boolean {
  const e = err as { name?: string; code?: string; cause?: unknown } | null;
  return !!e && (e.name === 'ForbiddenAddressError' || e.code === 'EFORBIDDENADDRESS' || isRefusal(e.cause));
}

function describe(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (isRefusal(err)) return 'The URL resolves to an address webhooks may not reach (loopback, private, link-local or reserved)';
  if (e?.name === 'AbortError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT' || e?.code === 'UND_ERR_CONNECT_TIMEOUT') return 'Timed out';
  if (e?.code) return `Network error (${e.code})`;
  return 'Network error';
}

/**
 * A sender on an SSRF-guarded dispatcher: POSTs without following redirects (a 3xx is a failure),
 * aborts after `timeoutMs` from start to last byte, keeps the first 2 kB of the answer. Side effects: network.
 */
export function createWebhookSender(dispatcher: Agent, timeoutMs: number): WebhookSender {
  return {
    async post(url, headers, body) {
      const started = performance.now();
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const res = await request(url, { method: 'POST', headers, body, dispatcher, signal });
        const text = await readSome(res.body, RESPONSE_BODY_LIMIT);
        res.body.destroy();
        return {
          status: res.statusCode,
          body: text,
          durationMs: Math.round(performance.now() - started),
          error: res.statusCode >= 200 && res.statusCode < 300 ? null : `HTTP ${res.statusCode}`,
          refused: false,
        };
      } catch (err) {
        return { status: null, body: null, durationMs: Math.round(performance.now() - started), error: describe(err), refused: isRefusal(err) };
      }
    },
    close: () => dispatcher.close(),
  };
}
