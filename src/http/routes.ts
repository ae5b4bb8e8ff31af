import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import type { Context, Deps } from '../context';
import type { OperationObserver } from './operation-observer';

/** What a plain HTTP route gets. */
export interface RouteContext {
  orm: MikroORM;
  config: Config;
  deps: Deps;
  url: URL;
  requestId: string;
  /**
   * The request's context exactly as /graphql builds it: the principal of its `Authorization: Bearer`
   * header from the per-process credential cache (UNAUTHENTICATED for a bad one, PUBLIC without), and
   * one request counted against that credential's rate limit (RATE_LIMITED). For authenticated APIs.
   */
  requestContext(): Promise<Context>;
  /** The request log (null with REQUEST_LOGS=off). */
  observe: OperationObserver | null;
}

/** A non-GraphQL HTTP route a module adds (public links and pages, the REST API). */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Matches the path; returns the captured parts or null. */
  match(path: string): string[] | null;
  handle(req: IncomingMessage, res: ServerResponse, params: string[], ctx: RouteContext): Promise<void>;
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

/** Writes an HTML response. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'x-content-type-options': 'nosniff' });
  res.end(html);
}

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
