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
  /** The errors refusing an operation (`running` operations on the socket, this one included); null when it may start. */
  admitOperation(principal: Principal, running: number): Promise<readonly GraphQLError[] | null>;
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
    async admitOperation(principal, running) {
      if (running > opts.maxOperationsPerSocket) {
        // Another operation ends when the client completes one; a second is as good a guess as any.
        return [rateLimited(1, `Too many operations on this socket: at most ${opts.maxOperationsPerSocket} at once`, { limit: opts.maxOperationsPerSocket })];
      }
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
