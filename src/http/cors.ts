import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './routes';

const ALLOWED_HEADERS = 'authorization, content-type, accept, x-request-id';

/** True when `origin` may call /graphql from a browser: on the list, or the list is `*`. */
export function corsOriginAllowed(origin: string, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  try {
    return allowed.includes(new URL(origin).origin);
  } catch {
    return false;
  }
}

/**
 * CORS for /graphql (MAILROOM_ALLOWED_ORIGINS): sets the response headers for an allowed Origin —
 * the origin itself with credentials allowed for a listed one, `*` without credentials for the
 * wildcard — and answers a preflight (`OPTIONS`) itself: 204 for an allowed origin, 403 otherwise.
 * Returns true when the request was answered here. A request without Origin (not a browser, or
 * same-origin) is left alone.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  const preflight = req.method === 'OPTIONS';
  if (!origin) {
    if (!preflight) return false;
    res.writeHead(204, { allow: 'GET, POST, OPTIONS' }).end();
    return true;
  }
  res.setHeader('vary', 'Origin');
  if (!corsOriginAllowed(origin, allowed)) {
    if (!preflight) return false;
    sendJson(res, 403, { errors: [{ message: 'This origin may not call the API (see MAILROOM_ALLOWED_ORIGINS)', extensions: { code: 'FORBIDDEN' } }] });
    return true;
  }
  if (allowed.includes('*')) res.setHeader('access-control-allow-origin', '*');
  else {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
  }
  res.setHeader('access-control-expose-headers', 'x-request-id, retry-after');
  if (!preflight) return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
