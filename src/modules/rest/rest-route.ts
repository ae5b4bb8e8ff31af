import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '../../context';
import { AppError, badInput } from '../../graphql/errors';
import { BodyTooLarge, readBody } from '../../http/body';
import { recordHttpRequest } from '../../http/metrics';
import { type ObservedCaller, refusedCallerOf } from '../../http/operation-observer';
import type { HttpRoute, RouteContext } from '../../http/routes';
import { errorAnswer, internalAnswer, type RestAnswer } from './rest-errors';

/** Largest REST request body of an unauthenticated caller: 1 MiB, as a GraphQL request's (LIMITS.bodyBytes in http/graphql-http.ts, not imported: that file loads Apollo). */
export const REST_BODY_BYTES = 1024 * 1024;

/** What an endpoint's handler gets. */
export interface RestCall {
  ctx: Context;
  route: RouteContext;
  req: IncomingMessage;
  /** The path's captured parts. */
  params: string[];
  query: URLSearchParams;
  /** The parsed JSON body (POST), else undefined. */
  body: unknown;
  /**
   * Names MailerSend paths for fields the translation made up (e.g. `headers[2].value` → `in_reply_to`),
   * and tenants/domains the call names, for the request log.
   */
  note: { paths: Record<string, string>; domainIds: string[] };
}

/** One REST endpoint: its method and path, what it runs in GraphQL terms (request log, metrics) and its handler. */
export interface RestEndpoint {
  method: 'GET' | 'POST' | 'DELETE';
  /** The path, with `([^/]+)` groups for the parts the handler gets. */
  pattern: RegExp;
  /** `POST /v1/email`: the request log's operation name. */
  name: string;
  operationType: 'query' | 'mutation';
  /** The GraphQL root fields it runs. */
  fields: string[];
  handle(call: RestCall): Promise<RestAnswer>;
}

const JSON_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function write(res: ServerResponse, a: RestAnswer): string {
  const text = a.body === undefined ? '' : JSON.stringify(a.body);
  const headers: Record<string, string | number> = { ...JSON_HEADERS, ...a.headers };
  if (a.body !== undefined) Object.assign(headers, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  else if (a.status !== 204) headers['content-length'] = 0;
  res.writeHead(a.status, headers);
  res.end(text);
  return text;
}

async function jsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  let raw: string;
  try {
    raw = await readBody(req, limit);
  } catch (e) {
    if (e instanceof BodyTooLarge) throw new AppError('BAD_USER_INPUT', 'Request body too large', { httpStatus: 413 });
    throw e;
  }
  if (raw.trim() === '') return {};
  if (!String(req.headers['content-type'] ?? '').includes('application/json')) throw badInput('body', 'The body must be JSON (Content-Type: application/json)');
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError('BAD_USER_INPUT', 'Malformed JSON body', { httpStatus: 400 });
  }
}

function answerOf(e: unknown, call: Pick<RestCall, 'note'>, route: RouteContext): RestAnswer {
  if (!(e instanceof AppError)) {
    route.deps.logger.error({ err: e, requestId: route.requestId }, 'unexpected REST error');
    return internalAnswer(route.requestId);
  }
  const status = e.extensions.httpStatus;
  // A body too large or not JSON at all has no field to name.
  if (typeof status === 'number') return { status, body: { message: e.message }, headers: status === 413 ? { connection: 'close' } : {} };
  return errorAnswer(e, call.note.paths);
}

/**
 * Turns an endpoint into an HTTP route: the body read (JSON, at most REST_BODY_BYTES), the caller's
 * context built as for /graphql (same token, cache, rate limit), the handler run, any coded error
 * answered in MailerSend's shape, and the call handed to the request log (transport REST) and the
 * HTTP metrics and log line.
 */
export function restRoute(e: RestEndpoint): HttpRoute {
  return {
    method: e.method,
    match(path) {
      const m = e.pattern.exec(path);
      return m ? m.slice(1).map((p) => decodeURIComponent(p)) : null;
    },
    async handle(req, res, params, route) {
      const started = performance.now();
      const at = new Date();
      const rec = recordHttpRequest(res, route.deps.metrics, route.deps.logger, route.requestId);
      const note: RestCall['note'] = { paths: {}, domainIds: [] };
      let ctx: Context | null = null;
      let caller: ObservedCaller | null = null;
      let body: unknown = undefined;
      let answer: RestAnswer;
      try {
        ctx = rec.attach(await route.requestContext());
        // Attachments make large bodies: MAILROOM_MAX_REQUEST_BYTES for an authenticated caller (as /graphql), REST_BODY_BYTES otherwise.
        body = e.method === 'POST' ? await jsonBody(req, ctx.principal.kind === 'PUBLIC' ? REST_BODY_BYTES : route.config.maxRequestBytes) : undefined;
        answer = await e.handle({ ctx, route, req, params, query: route.url.searchParams, body, note });
      } catch (err) {
        answer = answerOf(err, { note }, route);
        // A known credential refused before the call ran (inactive token, spent limit) is still recorded under it.
        if (!ctx) caller = refusedCallerOf(err);
      }
      const codes = answer.status >= 400 ? [codeOf(answer.status)] : [];
      if (ctx) Object.assign(ctx.outcome, { operation: e.name, fields: `rest ${e.fields.join(',')}`, codes });
      const text = write(res, answer);
      caller ??= ctx;
      if (caller && route.observe) {
        route.observe({
          transport: 'REST',
          ctx: caller,
          at,
          document: null,
          operationName: e.name,
          variables: null,
          status: answer.status,
          response: text,
          durationMs: performance.now() - started,
          userAgent: req.headers['user-agent'] ?? null,
          rest: {
            operationType: e.operationType,
            fields: e.fields,
            request: { method: e.method, path: route.url.pathname, query: Object.fromEntries(route.url.searchParams), body: body ?? null },
            codes,
            touched: { tenantIds: [], domainIds: note.domainIds },
          },
        });
      }
    },
  };
}

const CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'BAD_USER_INPUT',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
};

function codeOf(status: number): string {
  return CODES[status] ?? 'INTERNAL_SERVER_ERROR';
}
