import { randomUUID } from 'node:crypto';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
  GraphQLError,
  getOperationAST,
  locatedError,
  parse,
  validate,
} from 'graphql';
import type { Context } from '../context';
import { AppError, badInput } from '../graphql/errors';
import { formatError, INTERNAL_MESSAGE, isUnexpected } from '../graphql/format-error';
import type { Logger } from '../lib/logger';
import { guardOperation } from './operation-guard';

/** What a graphql-ws `subscribe` message carries. */
export interface WsPayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

/**
 * Turns a subscribe message into execution arguments, or the errors that refuse it: the same guard
 * as HTTP (nesting, tokens, variables), parse, the same validation rules, then the context
 * (`makeContext`; if it throws, an INTERNAL_SERVER_ERROR with a request id, logged once).
 */
export function prepareWsOperation(schema: GraphQLSchema, rules: readonly ValidationRule[], payload: WsPayload, makeContext: () => Context, logger: Logger): ExecutionArgs | readonly GraphQLError[] {
  const guarded = guardOperation(payload, 'ws');
  if (guarded && 'error' in guarded) return [guarded.error];
  let document: DocumentNode;
  if (guarded) document = guarded.document;
  else {
    if (typeof payload.query !== 'string') return [badInput('query', 'The operation needs a query string')];
    try {
      document = parse(payload.query);
    } catch (e) {
      return [e instanceof GraphQLError ? e : badInput('query', 'The document could not be parsed')];
    }
  }
  const errors = validate(schema, document, rules);
  if (errors.length) return errors;
  const operationName = payload.operationName ?? undefined;
  if (!getOperationAST(document, operationName)) return [badInput('operationName', 'Unable to identify the operation to run')];
  let contextValue: Context;
  try {
    contextValue = makeContext();
  } catch (err) {
    const requestId = randomUUID();
    logger.error({ err, requestId }, 'could not create the context of a WebSocket operation');
    return [new AppError('INTERNAL_SERVER_ERROR', INTERNAL_MESSAGE, { requestId })];
  }
  return { schema, document, operationName, variableValues: payload.variables ?? undefined, contextValue };
}

/** Formats one error as HTTP does; an unexpected one is logged whole (once) and answered with the request id. */
export function formatWsError(error: GraphQLError, logger: Logger, requestId: string): GraphQLFormattedError {
  const formatted = formatError(error.toJSON(), error);
  if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  if (isUnexpected(error)) logger.error({ err: error.originalError ?? error, path: error.path, requestId }, 'unexpected error');
  return { ...formatted, extensions: { ...formatted.extensions, requestId } };
}

/** Formats every error of a result (query, mutation or subscription event) as HTTP does. */
export function formatWsResult(result: ExecutionResult, ctx: Context): FormattedExecutionResult {
  const { errors, ...rest } = result;
  if (!errors?.length) return rest as FormattedExecutionResult;
  return { ...rest, errors: errors.map((e) => formatWsError(e, ctx.logger, ctx.requestId)) } as FormattedExecutionResult;
}

/**
 * Wraps a subscription's result stream: `allowed()` is awaited before each event is handed on, and a
 * false answer ends the stream (the event is never delivered). An error thrown by the source ends the
 * stream with one result carrying it, located at the root field, so it is formatted like any other.
 * `return()` (the socket closed, the client completed) reaches the source at once, even while it waits
 * for its next event: a plain iterator, not a generator, whose `return` would queue behind that wait.
 */
export function guardStream(source: AsyncIterable<ExecutionResult>, args: ExecutionArgs, allowed: () => boolean | Promise<boolean>): AsyncIterableIterator<ExecutionResult> {
  const it = source[Symbol.asyncIterator]();
  const end: IteratorReturnResult<undefined> = { value: undefined, done: true };
  let done = false;
  async function finish(): Promise<IteratorReturnResult<undefined>> {
    if (!done) {
      done = true;
      await it.return?.();
    }
    return end;
  }
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<ExecutionResult>> {
      if (done) return end;
      let next: IteratorResult<ExecutionResult>;
      try {
        next = await it.next();
      } catch (err) {
        if (done) return end;
        done = true;
        return { value: { data: null, errors: [err instanceof AppError ? err : locatedError(err, undefined, [rootKey(args)])] }, done: false };
      }
      if (done) return end;
      if (next.done) {
        done = true;
        return end;
      }
      const verdict = allowed();
      if (!(verdict === true || (verdict !== false && (await verdict))) || done) return finish();
      return next;
    },
    return: finish,
  };
}

function rootKey(args: ExecutionArgs): string {
  const sel = getOperationAST(args.document, args.operationName)?.selectionSet.selections[0];
  return sel?.kind === 'Field' ? (sel.alias ?? sel.name).value : 'subscription';
}
