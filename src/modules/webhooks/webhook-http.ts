import type { Agent, Dispatcher } from 'undici';
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

/** The error a request past its deadline is aborted with. */
class DeadlineError extends Error {
  override name = 'AbortError';
}

/** The body as the delivery log keeps it: its first `limit` characters, NULs replaced. Pure. */
function bodyText(chunks: readonly Buffer[], limit: number): string {
  return Buffer.concat(chunks).toString('utf8').slice(0, limit).replace(/\0/g, '\uFFFD');
}

/** A request's URL as undici's dispatch takes it (origin, path), for the few URLs a process sends to. */
function target(cache: Map<string, { origin: string; path: string }>, url: string): { origin: string; path: string } {
  let t = cache.get(url);
  if (!t) {
    const u = new URL(url);
    t = { origin: u.origin, path: `${u.pathname}${u.search}` };
    if (cache.size >= 1000) cache.clear();
    cache.set(url, t);
  }
  return t;
}

/**
 * A sender on an SSRF-guarded dispatcher: POSTs without following redirects (a 3xx is a failure),
 * aborts after `timeoutMs` from start to last byte, keeps the first 2 kB of the answer (and stops
 * reading there). It dispatches on undici's handler interface — no body stream, no AbortSignal and
 * no timer per request: one sweep a tenth of the timeout aborts the requests past their deadline,
 * so a deadline holds to within that. Side effects: network.
 */
export function createWebhookSender(dispatcher: Agent, timeoutMs: number): WebhookSender {
  const urls = new Map<string, { origin: string; path: string }>();
  const pending = new Set<{ deadline: number; expire: () => void }>();
  let sweep: NodeJS.Timeout | null = null;
  const watch = (p: { deadline: number; expire: () => void }) => {
    pending.add(p);
    sweep ??= setInterval(
      () => {
        const now = performance.now();
        for (const q of pending) if (q.deadline <= now) q.expire();
        if (pending.size === 0 && sweep) {
          clearInterval(sweep);
          sweep = null;
        }
      },
      Math.max(10, Math.min(1000, timeoutMs / 10)),
    ).unref();
  };
  return {
    post(url, headers, body) {
      const started = performance.now();
      return new Promise<AttemptResult>((resolve) => {
        let controller: Dispatcher.DispatchController | null = null;
        let status = 0;
        let bytes = 0;
        const chunks: Buffer[] = [];
        const watched = { deadline: started + timeoutMs, expire: () => fail(new DeadlineError('deadline')) };
        const settle = (r: Omit<AttemptResult, 'durationMs'>) => {
          if (!pending.delete(watched)) return; // settled already
          resolve({ ...r, durationMs: Math.round(performance.now() - started) });
        };
        const answered = () => settle({ status, body: bodyText(chunks, RESPONSE_BODY_LIMIT), error: status >= 200 && status < 300 ? null : `HTTP ${status}`, refused: false });
        function fail(err: unknown) {
          if (controller && !controller.aborted) controller.abort(err instanceof Error ? err : new Error(String(err)));
          settle({ status: null, body: null, error: describe(err), refused: isRefusal(err) });
        }
        watch(watched);
        const handler: Dispatcher.DispatchHandler = {
          onRequestStart(c) {
            controller = c;
            if (!pending.has(watched)) c.abort(new DeadlineError('deadline'));
          },
          onResponseStart(_c, statusCode) {
            if (statusCode >= 200 || status === 0) status = statusCode;
          },
          onResponseData(c, chunk) {
            chunks.push(chunk);
            bytes += chunk.length;
            // Enough characters kept: stop reading (the connection is closed, as a body left unread would leave it).
            if (bytes >= RESPONSE_BODY_LIMIT && bodyText(chunks, RESPONSE_BODY_LIMIT + 1).length > RESPONSE_BODY_LIMIT) {
              answered();
              c.abort(new Error('response body limit'));
            }
          },
          onResponseEnd: () => answered(),
          onResponseError: (_c, err) => fail(err),
        };
        try {
          const { origin, path } = target(urls, url);
          dispatcher.dispatch({ origin, path, method: 'POST', headers, body }, handler);
        } catch (err) {
          fail(err);
        }
      });
    },
    close: () => dispatcher.close(),
  };
}
