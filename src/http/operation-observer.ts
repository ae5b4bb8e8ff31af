import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Context } from '../context';

/**
 * One GraphQL operation as a transport saw it, handed to the request log once it answered. Cheap to
 * make: the observer does the redaction and serialisation later, off the response path.
 */
export interface ObservedOperation {
  transport: 'HTTP' | 'WS';
  ctx: Context;
  at: Date;
  document: DocumentNode | null;
  operationName: string | null;
  variables: unknown;
  /** HTTP status (null over WebSocket). */
  status: number | null;
  /** The response: the HTTP body as sent, or the WebSocket operation's result (a subscription: null). */
  response: string | ExecutionResult | null;
  durationMs: number;
  userAgent: string | null;
}

/** Receives every operation a transport executed (never throws, never waits). */
export type OperationObserver = (op: ObservedOperation) => void;
