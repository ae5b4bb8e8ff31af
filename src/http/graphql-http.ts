import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import type { Context } from '../context';
import { AppError } from '../graphql/errors';
import { formatError, isUnexpected } from '../graphql/format-error';
import { jitGateway } from '../graphql/jit-executor';
import { NoNulInStringsRule } from '../graphql/input-guard';
import type { Logger } from '../lib/logger';
import { BodyTooLarge, readBody } from './body';
import { operationRecording } from './metrics';
import { type ObservedCaller, type ObservedOperation, type OperationObserver, refusedCallerOf } from './operation-observer';
import { guardOperation, MAX_TOKENS, type OperationRequest } from './operation-guard';
import { sendJson } from './routes';

/** Request size and query limits. */
export const LIMITS = { bodyBytes: 1024 * 1024, maxDepth: 12, maxAliases: 15, maxTokens: MAX_TOKENS, maxCost: 20000, maxDirectives: 20 };

/** graphql-armor protection shared by HTTP and WebSocket. */
export function createArmor(): { plugins: ApolloServerPlugin<Context>[]; validationRules: ValidationRule[]; maxTokens: number } {
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth },
    maxAliases: { n: LIMITS.maxAliases },
    // graphql-armor's Apollo token plugin turns every syntax error into a 500; graphql-js's own
    // `maxTokens` parse option does the same job (see guardOperation).
    maxTokens: { enabled: false },
    maxDirectives: { n: LIMITS.maxDirectives },
    costLimit: { maxCost: LIMITS.maxCost },
    blockFieldSuggestion: { enabled: true },
  });
  const p = armor.protect();
  return { plugins: p.plugins as ApolloServerPlugin<Context>[], validationRules: [...(p.validationRules as ValidationRule[]), NoNulInStringsRule], maxTokens: LIMITS.maxTokens };
}

const errorLogging: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const e of errors) {
          const code = e.extensions?.code;
          // graphql-js rejected the document or its variables before execution.
          if (code === 'GRAPHQL_PARSE_FAILED' || code === 'GRAPHQL_VALIDATION_FAILED' || (code === 'BAD_USER_INPUT' && !e.path && !(e.originalError instanceof AppError))) {
            contextValue.outcome.documentError = true;
          } else if (isUnexpected(e)) {
            contextValue.logger.error({ err: e.originalError ?? e, path: e.path }, 'unexpected error');
          }
        }
      },
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        for (const e of response.body.singleResult.errors ?? []) {
          if (e.extensions?.code === 'INTERNAL_SERVER_ERROR') (e.extensions as Record<string, unknown>).requestId = contextValue.requestId;
        }
      },
    };
  },
};

/** Creates the Apollo server (not started). */
export function createApollo(schema: GraphQLSchema): ApolloServer<Context> {
  const armor = createArmor();
  return new ApolloServer<Context>({
    // The schema, executed through graphql-jit (see jitGateway).
    gateway: jitGateway(schema),
    formatError,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Bearer tokens, no cookies: there is no ambient credential for a cross-site request to ride on.
    csrfPrevention: false,
    allowBatchedHttpRequests: false,
    // No HTTP caching of an authenticated API, so no per-field cache-control bookkeeping either.
    plugins: [...armor.plugins, errorLogging, operationRecording, ApolloServerPluginCacheControlDisabled()],
    validationRules: armor.validationRules,
  });
}

function errorBody(message: string, code: string, extra: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...extra } }] };
}

function mediaType(req: IncomingMessage): string {
  const accept = String(req.headers.accept ?? '');
  return accept.includes('application/graphql-response+json') && !accept.includes('application/json') ? 'application/graphql-response+json' : 'application/json';
}

function postedOperation(body: unknown): OperationRequest {
  if (typeof body !== 'object' || body === null) return { query: undefined };
  const b = body as Record<string, unknown>;
  return { query: b.query, variables: b.variables, extensions: b.extensions, operationName: b.operationName };
}

function jsonParam(url: URL, name: string): unknown {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined; // Apollo reports malformed parameters itself.
  }
}

function queryOperation(url: URL): OperationRequest {
  return { query: url.searchParams.get('query'), variables: jsonParam(url, 'variables'), extensions: jsonParam(url, 'extensions'), operationName: url.searchParams.get('operationName') };
}

/**
 * Serves GraphQL over HTTP through Apollo. Parses the body itself so malformed JSON gets a coded
 * error and one log line; authentication happens before Apollo, so a bad token is a 401. Each
 * operation Apollo answered is handed to `observe` (the request log) once its response is sent.
 * A body over `bodyLimit` bytes is 413.
 */
export async function handleGraphqlHttp(
  req: IncomingMessage,
  res: ServerResponse,
  apollo: ApolloServer<Context>,
  makeContext: () => Promise<Context>,
  logger: Logger,
  observe?: OperationObserver,
  bodyLimit: number = LIMITS.bodyBytes,
): Promise<void> {
  const started = performance.now();
  const at = new Date();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const type = mediaType(req);
  let body: unknown = undefined;
  if (req.method === 'POST') {
    let raw: string;
    try {
      raw = await readBody(req, bodyLimit);
    } catch (e) {
      // The rest of the body is not read: close the connection after answering, so a keep-alive
      // client does not send its next request down a socket about to be reset.
      if (e instanceof BodyTooLarge) return sendJson(res, 413, errorBody('Request body too large', 'BAD_USER_INPUT'), { 'content-type': type, connection: 'close' });
      throw e;
    }
    const ct = String(req.headers['content-type'] ?? '');
    if (!ct) return sendJson(res, 415, errorBody('A POST needs Content-Type: application/json', 'BAD_USER_INPUT'), { 'content-type': type });
    if (ct.includes('application/json')) {
      try {
        body = JSON.parse(raw);
      } catch {
        logger.warn({ event: 'malformed-json', length: raw.length }, 'malformed JSON request body');
        return sendJson(res, 400, errorBody('Malformed JSON body', 'BAD_USER_INPUT'), { 'content-type': type });
      }
    } else {
      body = raw;
    }
  }
  const operation = req.method === 'POST' ? postedOperation(body) : queryOperation(url);
  const refused = guardOperation(operation, 'http');
  if (refused && 'error' in refused) {
    logger.warn({ event: 'refused-operation', field: refused.error.extensions.field }, refused.error.message);
    return sendJson(res, type === 'application/json' ? 200 : 400, { errors: [formatError(refused.error.toJSON(), refused.error)] }, { 'content-type': type });
  }
  const observed = (ctx: ObservedCaller, status: number, response: string | null): ObservedOperation => ({
    transport: 'HTTP',
    ctx,
    at,
    document: refused ? refused.document : null,
    operationName: typeof operation.operationName === 'string' ? operation.operationName : null,
    variables: operation.variables,
    status,
    response,
    durationMs: performance.now() - started,
    userAgent: req.headers['user-agent'] ?? null,
  });
  let context: Context;
  try {
    context = await makeContext();
  } catch (e) {
    if (e instanceof AppError) {
      const code = String(e.extensions.code);
      const status = code === 'UNAUTHENTICATED' ? 401 : code === 'RATE_LIMITED' ? 429 : 400;
      const retry: Record<string, string> = code === 'RATE_LIMITED' ? { 'retry-after': String(e.extensions.retryAfter) } : {};
      const answer = { errors: [{ message: e.message, extensions: e.extensions }] };
      sendJson(res, status, answer, { 'content-type': type, ...retry });
      // A known caller refused (an inactive token, a spent limit) is recorded; an unknown credential has no account to file it under.
      const caller = refusedCallerOf(e);
      if (caller) observe?.(observed(caller, status, JSON.stringify(answer)));
      return;
    }
    throw e;
  }
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
    context: async () => context,
  });
  let status = result.status ?? 200;
  // GraphQL over HTTP: a document that fails to parse, validate or coerce its variables answers 200
  // under application/json (the errors are in the body) and 400 under application/graphql-response+json.
  if (context.outcome.documentError) {
    const json = (result.headers.get('content-type') ?? '').startsWith('application/json');
    status = json ? 200 : 400;
  }
  for (const [k, v] of result.headers) res.setHeader(k, v);
  res.statusCode = status;
  const record = (response: string | null) => observe?.(observed(context, status, response));
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    record(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
  record(null);
}
