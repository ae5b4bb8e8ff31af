import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Context } from '../context';

/** What the request log needs to know of the caller. */
export type ObservedCaller = Pick<Context, 'principal' | 'requestId' | 'clientIp'>;

/**
 * One GraphQL operation as a transport saw it, handed to the request log once it answered. Cheap to
 * make: the observer does the redaction and serialisation later, off the response path.
 */
export interface ObservedOperation {
  transport: 'HTTP' | 'WS' | 'REST' | 'SMTP';
  /** Who called (a request's context, or what a refusal before one could be made knew of the caller). */
  ctx: ObservedCaller;
  at: Date;
  document: DocumentNode | null;
  operationName: string | null;
  variables: unknown;
  /** HTTP status (null over WebSocket; the SMTP reply code for an SMTP message). */
  status: number | null;
  /** The response: the HTTP body as sent, or the WebSocket operation's result (a subscription: null), or the SMTP reply line. */
  response: string | ExecutionResult | null;
  durationMs: number;
  userAgent: string | null;
  /** A REST call (transport REST, no document): what it did in GraphQL terms and its request. */
  rest?: RestCallInfo;
  /** An SMTP message transaction (transport SMTP, no document): its envelope and what it queued. */
  smtp?: SmtpCallInfo;
}

/** What the request log keeps of a REST call besides the common columns. */
export interface RestCallInfo {
  /** `query` for reads, `mutation` for changes. */
  operationType: 'query' | 'mutation';
  /** The GraphQL root fields the call ran (`sendEmail`, `activity`…). */
  fields: string[];
  /** Method, path, query parameters and the JSON body (redacted by the writer). */
  request: { method: string; path: string; query: Record<string, string>; body: unknown };
  /** The error codes of the answer (the GraphQL codes, e.g. BAD_USER_INPUT); empty when it succeeded. */
  codes: string[];
  /** Tenants and domains the call named (uuids; the writer keeps those of its account). */
  touched: { tenantIds: string[]; domainIds: string[] };
}

/** What the request log keeps of one SMTP message transaction (DATA after AUTH) besides the common columns. */
export interface SmtpCallInfo {
  /** The envelope only (MAIL FROM, RCPT TO): never the message's headers, subject, body or attachments. */
  envelope: { mailFrom: string | null; rcptTo: string[] };
  /** Size of the submitted message in bytes (as much of it as arrived). */
  messageBytes: number;
  /** The GraphQL error codes behind a refusal (e.g. FORBIDDEN, RATE_LIMITED); empty when it was queued. */
  codes: string[];
  /** Global ids of the messages it queued (a refusal after some were queued lists those). */
  messageIds: string[];
}

/** Receives every operation a transport executed (never throws, never waits). */
export type OperationObserver = (op: ObservedOperation) => void;

const callers = new WeakMap<object, ObservedCaller>();

/** Marks an error refusing a request before its context was made with the caller it refused (the request log records the call). Returns the error. */
export function refusedBy<E>(error: E, caller: ObservedCaller): E {
  if (typeof error === 'object' && error !== null) callers.set(error, caller);
  return error;
}

/** The caller a refusal was marked with (see refusedBy); null for any other error. */
export function refusedCallerOf(error: unknown): ObservedCaller | null {
  return (typeof error === 'object' && error !== null && callers.get(error)) || null;
}
