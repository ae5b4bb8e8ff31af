import { createClient } from 'graphql-ws';
import { expect } from 'vitest';
import WebSocket from 'ws';

/** A live subscription over graphql-ws collecting what arrives. */
export interface LiveSubscription<T> {
  items: T[];
  errors: unknown[];
  /** Close code of the socket once it closed. */
  closedWith: Promise<number>;
  /** Waits until at least `n` items arrived (fails after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

/** Opens a socket to `baseUrl`/graphql with a bearer token and runs one subscription. */
export function subscribe<T>(baseUrl: string, token: string | null, query: string, variables: Record<string, unknown> = {}, pick: (data: any) => T = (d) => d): LiveSubscription<T> {
  let resolveClosed!: (code: number) => void;
  const closedWith = new Promise<number>((r) => (resolveClosed = r));
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    on: { closed: (e) => resolveClosed((e as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  const items: T[] = [];
  const errors: unknown[] = [];
  client.subscribe({ query, variables }, { next: (r) => (r.data ? items.push(pick(r.data)) : errors.push(r.errors)), error: (e) => errors.push(e), complete: () => undefined });
  return {
    items,
    errors,
    closedWith,
    async waitFor(n, timeoutMs = 10_000) {
      await expect.poll(() => items.length, { timeout: timeoutMs, interval: 25 }).toBeGreaterThanOrEqual(n);
      return items;
    },
    async close() {
      await client.dispose();
    },
  };
}

/** One graphql-ws socket for several operations (queries, mutations, subscriptions) with one token. */
export interface WsSession {
  /**
   * Runs one operation to its first result; resolves with the result, or with `{ errors }` for an error
   * message. Meant for operations the server completes itself (queries, mutations, refused subscriptions).
   */
  run(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: any[] }>;
  /** Starts a subscription that collects what arrives. */
  subscribe(query: string, variables?: Record<string, unknown>): { items: any[]; errors: unknown[] };
  /** Close code of the socket once it closed. */
  closedWith: Promise<number>;
  /** Resolves once the server acknowledged the connection. */
  connected: Promise<void>;
  close(): Promise<void>;
}

/** How a test session opens its socket: other `connection_init` payloads (credential forms), a browser Origin. */
export interface WsSessionOptions {
  connectionParams?: Record<string, unknown>;
  origin?: string;
}

function socketWithOrigin(origin: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { origin } });
    }
  } as typeof WebSocket;
}

/** Opens a socket to `baseUrl`/graphql with a bearer token (or none, or `opts.connectionParams` as they are). */
export function wsSession(baseUrl: string, token: string | null, opts: WsSessionOptions = {}): WsSession {
  let resolveClosed!: (code: number) => void;
  let resolveConnected!: () => void;
  const closedWith = new Promise<number>((r) => (resolveClosed = r));
  const connected = new Promise<void>((r) => (resolveConnected = r));
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: opts.origin ? socketWithOrigin(opts.origin) : WebSocket,
    connectionParams: opts.connectionParams ?? (token ? { authorization: `Bearer ${token}` } : {}),
    retryAttempts: 0,
    lazy: false,
    on: { closed: (e) => resolveClosed((e as { code: number }).code), connected: () => resolveConnected() },
    onNonLazyError: () => undefined,
  });
  return {
    closedWith,
    connected,
    run(query, variables = {}) {
      return new Promise((resolve) => {
        let done = false;
        // No unsubscribe after the first result: the server completes these itself, and graphql-ws's
        // client double-releases when disposed before the server's complete arrives.
        client.subscribe(
          { query, variables },
          {
            next: (r) => {
              if (done) return;
              done = true;
              resolve(r as { data?: any; errors?: any[] });
            },
            error: (e) => {
              if (done) return;
              done = true;
              resolve({ errors: Array.isArray(e) ? e : [{ message: String((e as { reason?: string })?.reason ?? e), closeCode: (e as { code?: number })?.code }] });
            },
            complete: () => {
              if (!done) resolve({});
            },
          },
        );
      });
    },
    subscribe(query, variables = {}) {
      const items: any[] = [];
      const errors: unknown[] = [];
      const next = (r: { data?: unknown; errors?: unknown }) => {
        if (r.data) items.push(r.data);
        if (r.errors) errors.push(r.errors);
      };
      client.subscribe({ query, variables }, { next, error: (e) => errors.push(e), complete: () => undefined });
      return { items, errors };
    },
    async close() {
      await client.dispose();
    },
  };
}
