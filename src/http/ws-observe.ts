import type { IncomingMessage } from 'node:http';
import { type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLError, parse } from 'graphql';
import type { Context } from '../context';
import type { OperationObserver } from './operation-observer';
import { MAX_TOKENS } from './operation-guard';

/** When each operation of a socket arrived, by operation id. */
export type OperationTimes = Map<string, { at: Date; t: number }>;

/** What the observer needs of a socket. */
interface ObservedSocket {
  request: IncomingMessage;
  started?: OperationTimes;
}

/** Notes when an operation's subscribe message arrived. */
export function observeStart(times: OperationTimes, id: string): void {
  times.set(id, { at: new Date(), t: performance.now() });
}

function isAsyncIterable(r: unknown): boolean {
  return typeof r === 'object' && r !== null && Symbol.asyncIterator in r;
}

/** Hands an executed operation to the observer: a query or mutation with its result, a subscription (a stream) once it started. */
export function observeExecuted(observe: OperationObserver | undefined, socket: ObservedSocket, id: string, args: ExecutionArgs, result: unknown): void {
  const started = socket.started?.get(id);
  if (!observe || !started) return;
  socket.started!.delete(id);
  observe({
    transport: 'WS',
    ctx: args.contextValue as Context,
    at: started.at,
    document: args.document,
    operationName: args.operationName ?? null,
    variables: args.variableValues,
    status: null,
    response: isAsyncIterable(result) ? null : (result as ExecutionResult),
    durationMs: performance.now() - started.t,
    userAgent: socket.request.headers['user-agent'] ?? null,
  });
}

/**
 * Hands an operation refused before execution (validation, no such operation) to the observer, with the
 * errors its client got; `makeContext` is called only when it is recorded (not for the public).
 */
export function observeRefused(
  observe: OperationObserver | undefined,
  socket: ObservedSocket & { principal?: { kind: string } },
  id: string,
  payload: { query?: unknown; operationName?: string | null; variables?: unknown },
  errors: readonly GraphQLError[],
  makeContext: () => Context,
): void {
  const started = socket.started?.get(id);
  socket.started?.delete(id);
  if (!observe || !started || !socket.principal || socket.principal.kind === 'PUBLIC') return;
  let document: DocumentNode | null = null;
  try {
    document = typeof payload.query === 'string' ? parse(payload.query, { maxTokens: MAX_TOKENS }) : null;
  } catch {
    // A document that does not parse is recorded without its operation.
  }
  observe({
    transport: 'WS',
    ctx: makeContext(),
    at: started.at,
    document,
    operationName: payload.operationName ?? null,
    variables: payload.variables,
    status: null,
    response: { errors } as ExecutionResult,
    durationMs: performance.now() - started.t,
    userAgent: socket.request.headers['user-agent'] ?? null,
  });
}
