import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ExecutionArgs, GraphQLError, GraphQLFormattedError, OperationDefinitionNode } from 'graphql';
import { getOperationAST, Kind } from 'graphql';
import type { Principal } from '../auth/principal';
import type { Context } from '../context';
import { digestEquals, sha256 } from '../lib/crypto';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import { sendJson } from './routes';

/** `query Viewer`: the operation type and the name the client gave it, or `anonymous` (for log lines). */
export function operationLabel(type: string | undefined, name: string | null | undefined): string {
  return `${type ?? 'unknown'} ${name || 'anonymous'}`.slice(0, 100);
}

/**
 * `query tenants,viewer`: the operation type and its root fields, sorted — schema names only, never a
 * name a client chose, so the metrics (which every scraper reads) carry nothing of any client.
 */
export function fieldsLabel(op: OperationDefinitionNode | null | undefined): string {
  if (!op) return 'unknown';
  const fields = new Set<string>();
  for (const sel of op.selectionSet.selections) fields.add(sel.kind === Kind.FIELD ? sel.name.value : '…');
  return `${op.operation} ${[...fields].sort().join(',')}`.slice(0, 100);
}

/** The principal as a log line shows it: kind and id (token or membership), never a secret. */
export function principalForLog(p: Principal | undefined): Record<string, string> {
  if (!p) return { kind: 'UNKNOWN' };
  if (p.kind === 'API_TOKEN') return { kind: p.kind, tokenId: p.tokenId, name: p.label };
  if (p.kind === 'MEMBER') return { kind: p.kind, membershipId: p.membershipId, userId: p.userId };
  return { kind: p.kind };
}

function outcomeOf(codes: readonly string[] | undefined): string {
  return codes?.length ? codes[0]! : 'OK';
}

/** Apollo plugin: writes the resolved operation and the response's error codes into `ctx.outcome`. */
export const operationRecording: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue, operation, request }) {
        contextValue.outcome.operation = operationLabel(operation?.operation, operation?.name?.value ?? request.operationName);
        contextValue.outcome.fields = fieldsLabel(operation);
        const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
        contextValue.outcome.codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
      },
    };
  },
};

const STATUS_CODES: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 413: 'BAD_USER_INPUT', 415: 'BAD_USER_INPUT', 429: 'RATE_LIMITED', 500: 'INTERNAL_SERVER_ERROR' };

/**
 * Records one GraphQL request over HTTP when its response is finished: the duration in the metrics by
 * operation and outcome, and one JSON log line at info (request id, principal, operation, outcome,
 * status, duration). `attach` hands it the request's context once there is one (refused requests have none).
 */
export function recordHttpRequest(res: ServerResponse, metrics: Metrics, logger: Logger, requestId: string): { attach(ctx: Context): Context } {
  const started = process.hrtime.bigint();
  let context: Context | null = null;
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const operation = context?.outcome.operation ?? 'unknown';
    // Refused before Apollo ran it (no context, or a document refused by the guard): the status tells why.
    const outcome = context?.outcome.codes ? outcomeOf(context.outcome.codes) : (STATUS_CODES[res.statusCode] ?? 'BAD_USER_INPUT');
    metrics.httpRequest(context?.outcome.fields ?? 'unknown', outcome, seconds);
    const codes = context?.outcome.codes ?? [outcome];
    logger.info(
      {
        requestId,
        transport: 'http',
        principal: principalForLog(context?.principal),
        operation,
        outcome,
        codes: codes.length ? codes : undefined,
        status: res.statusCode,
        durationMs: Math.round(seconds * 10000) / 10,
      },
      'request',
    );
  });
  return {
    attach(ctx) {
      context = ctx;
      return ctx;
    },
  };
}

/** What the WebSocket layer keeps per running operation. */
type Running = { operation: string; fields: string; started: bigint; codes: string[]; principal: Principal | undefined; requestId: string };

/**
 * Records GraphQL operations over WebSocket: each one from its subscribe message to its end (a refusal,
 * the last result, the client's complete or the socket closing) in the metrics and as one log line at info.
 */
export function createWsRecorder(metrics: Metrics, logger: Logger) {
  let open = 0;
  const finish = (r: Running) => {
    open--;
    const seconds = Number(process.hrtime.bigint() - r.started) / 1e9;
    const outcome = outcomeOf(r.codes);
    metrics.wsOperation(r.fields, outcome, seconds);
    logger.info(
      {
        requestId: r.requestId,
        transport: 'ws',
        principal: principalForLog(r.principal),
        operation: r.operation,
        outcome,
        codes: r.codes.length ? r.codes : undefined,
        durationMs: Math.round(seconds * 10000) / 10,
      },
      'request',
    );
  };
  return {
    /** Operations running now on this process's sockets. */
    running: () => open,
    /** An operation began: its execution arguments (or the errors refusing it). */
    start(map: Map<string, Running>, id: string, args: ExecutionArgs | readonly GraphQLError[], principal: Principal | undefined): void {
      open++;
      const isArgs = !Array.isArray(args);
      const op = isArgs ? getOperationAST((args as ExecutionArgs).document, (args as ExecutionArgs).operationName) : null;
      const requestId = isArgs ? (((args as ExecutionArgs).contextValue as Context | undefined)?.requestId ?? '') : '';
      map.set(id, { operation: operationLabel(op?.operation, op?.name?.value), fields: fieldsLabel(op), started: process.hrtime.bigint(), codes: [], principal, requestId });
    },
    /** A result went out; its errors' codes become the outcome. */
    next(map: Map<string, Running>, id: string, errors: readonly GraphQLFormattedError[] | undefined): void {
      const r = map.get(id);
      if (r && errors?.length) r.codes.push(...errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')));
    },
    /** The operation ended, with `errors` when it was refused or failed. */
    end(map: Map<string, Running>, id: string, errors?: readonly GraphQLFormattedError[]): void {
      const r = map.get(id);
      if (!r) return;
      map.delete(id);
      if (errors?.length) r.codes.push(...errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')));
      finish(r);
    },
  };
}

/** The per-socket map the WebSocket recorder keeps. */
export type WsRunning = Map<string, Running>;

/**
 * `GET /metrics`: the Prometheus text exposition. With METRICS_TOKEN set it needs
 * `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); unset, it is open (bind HOST to a private
 * interface, or put the token in the scrape config).
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: Metrics, token: string | null): Promise<void> {
  if (token) {
    const given = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (!digestEquals(sha256(given), sha256(token))) {
      return sendJson(res, 401, { errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }] }, { 'www-authenticate': 'Bearer' });
    }
  }
  const body = await metrics.scrape();
  res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}
