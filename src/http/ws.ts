import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { type GraphQLSchema, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal';
import { scopeFingerprint } from '../auth/scope';
import type { Context } from '../context';
import type { Logger } from '../lib/logger';
import { clientIp } from './client-ip';
import { createArmor, tokenLimitError } from './graphql-http';
import { CLOSE_TOO_MANY_SOCKETS, type WsLimits } from './ws-limits';

/** Options of the WebSocket endpoint. */
export interface WsOptions {
  schema: GraphQLSchema;
  path: string;
  allowedOrigins: readonly string[];
  maxPayload: number;
  logger: Logger;
  authenticate(authorization: unknown): Promise<Principal>;
  makeContext(principal: Principal, requestId: string, clientIp: string | null): Context;
  /** Sockets per credential, operations per socket, requests per credential. */
  limits: WsLimits;
  /** Take the client IP from X-Forwarded-For (see MAILROOM_TRUST_PROXY). */
  trustProxy: boolean;
  /** How often open sockets' credentials are checked again (a revoked, paused or expired token closes its sockets). */
  recheckMs?: number;
}

/** Close code for a connection whose credentials are invalid or no longer valid. */
export const CLOSE_FORBIDDEN = 4403;

function fingerprintOf(p: Principal): string {
  return p.kind === 'PUBLIC' ? 'public' : `${p.kind}:${scopeFingerprint(p.scope)}`;
}

/** True when a browser Origin may open a socket: same host as the request, or on the allow-list. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  try {
    const o = new URL(origin);
    if (host && o.host === host) return true;
    return allowed.includes(o.origin);
  } catch {
    return false;
  }
}

/**
 * graphql-ws on the HTTP server's `path`: the token comes in `connection_init`, an invalid one closes
 * the socket with 4403; operations go through the same graphql-armor rules as HTTP.
 */
export function attachWebSocket(http: Server, opts: WsOptions): { wss: WebSocketServer; dispose(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload });
  const rules = [...specifiedRules, ...createArmor().validationRules];
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== opts.path) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    if (!originAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins)) {
      opts.logger.warn({ origin: req.headers.origin }, 'refused WebSocket upgrade from a foreign origin');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  // Authenticated sockets by credential with the access they were opened with, checked again every
  // recheckMs (one lookup per credential): a credential that stopped working, or whose access changed
  // (permissions, domains, role…), closes its sockets; the client reconnects with its current access.
  const live = new Map<string, { sockets: Set<WebSocket>; fingerprint: string }>();
  const recheck = setInterval(() => void recheckAll(), opts.recheckMs ?? 2000);
  recheck.unref();
  async function recheckAll(): Promise<void> {
    for (const [authorization, entry] of live) {
      const now = await opts.authenticate(authorization).then(fingerprintOf, () => null);
      if (now !== entry.fingerprint) {
        live.delete(authorization);
        for (const socket of entry.sockets) socket.close(CLOSE_FORBIDDEN, 'Forbidden');
      }
    }
  }
  const server = useServer<Record<string, unknown> | undefined, { principal?: Principal; socket: WebSocket }>(
    {
      schema: opts.schema,
      validate: (schema, document) => validate(schema, document, rules),
      // graphql-ws parses documents itself: refuse over-long ones before it does.
      onSubscribe: async (ctx, _id, payload) => {
        const tooLong = tokenLimitError(payload.query);
        if (tooLong) return [tooLong];
        return (await opts.limits.admitOperation(ctx.extra.principal ?? { kind: 'PUBLIC' }, Object.keys(ctx.subscriptions).length)) ?? undefined;
      },
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        try {
          ctx.extra.principal = await opts.authenticate(authorization);
        } catch {
          return false;
        }
        if (!opts.limits.admitSocket(ctx.extra.principal, ctx.extra.socket)) {
          ctx.extra.socket.close(CLOSE_TOO_MANY_SOCKETS, 'Too many sockets for this credential');
          return false;
        }
        if (typeof authorization === 'string' && ctx.extra.principal.kind !== 'PUBLIC') {
          const fingerprint = fingerprintOf(ctx.extra.principal);
          let entry = live.get(authorization);
          if (!entry || entry.fingerprint !== fingerprint) {
            // Sockets opened with this credential's older access are stale: close them.
            for (const socket of entry?.sockets ?? []) socket.close(CLOSE_FORBIDDEN, 'Forbidden');
            entry = { sockets: new Set<WebSocket>(), fingerprint };
            live.set(authorization, entry);
          }
          const mine = entry;
          mine.sockets.add(ctx.extra.socket);
          ctx.extra.socket.once('close', () => {
            mine.sockets.delete(ctx.extra.socket);
            if (mine.sockets.size === 0 && live.get(authorization) === mine) live.delete(authorization);
          });
        }
        return true;
      },
      context: (ctx) => opts.makeContext(ctx.extra.principal ?? { kind: 'PUBLIC' }, randomUUID(), clientIp(ctx.extra.request, opts.trustProxy)),
    },
    wss,
  );
  return {
    wss,
    async dispose() {
      clearInterval(recheck);
      await server.dispose();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
