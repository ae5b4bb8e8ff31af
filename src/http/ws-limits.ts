import type { GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import type { Principal } from '../auth/principal';
import { credentialKey, type RateLimits } from '../auth/rate-limit';
import { AppError, rateLimited } from '../graphql/errors';

/** Close code for a socket refused because its credential already has the most sockets open. */
export const CLOSE_TOO_MANY_SOCKETS = 4429;

/** Caps on the WebSocket endpoint: sockets per credential, operations at once per socket, and the per-credential request limit. */
export interface WsLimits {
  /** Counts an authenticated socket against its credential until it closes; false (nothing counted) when the credential is at its cap. */
  admitSocket(principal: Principal, socket: WebSocket): boolean;
  /**
   * Takes a place for operation `id` among the socket's `taken` places, or the error refusing it. Call it
   * synchronously when the subscribe message arrives: places of operations no longer in `live` (completed,
   * refused, failed — graphql-ws's own list of the socket's operations) are freed first.
   */
  admitOperation(taken: Set<string>, live: Record<string, unknown>, id: string): readonly GraphQLError[] | null;
  /** Counts an operation against the credential's request limit; the error refusing it, or null. */
  countRequest(principal: Principal): Promise<readonly GraphQLError[] | null>;
}

/** The WebSocket caps for the configured numbers; `rateLimits` counts each operation as one API request. */
export function createWsLimits(opts: { maxOperationsPerSocket: number; maxSocketsPerCredential: number; rateLimits: RateLimits }): WsLimits {
  const open = new Map<string, number>();
  return {
    admitSocket(principal, socket) {
      const key = credentialKey(principal);
      if (key === null) return true;
      const count = open.get(key) ?? 0;
      if (count >= opts.maxSocketsPerCredential) return false;
      open.set(key, count + 1);
      socket.once('close', () => {
        const left = (open.get(key) ?? 1) - 1;
        if (left > 0) open.set(key, left);
        else open.delete(key);
      });
      return true;
    },
    admitOperation(taken, live, id) {
      for (const t of taken) if (!Object.hasOwn(live, t)) taken.delete(t);
      if (taken.size >= opts.maxOperationsPerSocket) {
        // Another operation ends when the client completes one; a second is as good a guess as any.
        return [rateLimited(1, `Too many operations on this socket: at most ${opts.maxOperationsPerSocket} at once`, { limit: opts.maxOperationsPerSocket })];
      }
      taken.add(id);
      return null;
    },
    async countRequest(principal) {
      try {
        await opts.rateLimits.request(principal);
        return null;
      } catch (e) {
        if (e instanceof AppError) return [e];
        throw e;
      }
    },
  };
}
