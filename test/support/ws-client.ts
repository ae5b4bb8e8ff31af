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
