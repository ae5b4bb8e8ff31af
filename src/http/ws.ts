import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { type GraphQLSchema, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal';
import type { Context } from '../context';
import type { Logger } from '../lib/logger';
import { createArmor } from './graphql-http';

/** Options of the WebSocket endpoint. */
export interface WsOptions {
  schema: GraphQLSchema;
  path: string;
  allowedOrigins: readonly string[];
  maxPayload: number;
  logger: Logger;
  authenticate(authorization: unknown): Promise<Principal>;
  makeContext(principal: Principal, requestId: string): Context;
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
  const server = useServer<Record<string, unknown> | undefined, { principal?: Principal }>(
    {
      schema: opts.schema,
      validate: (schema, document) => validate(schema, document, rules),
      onConnect: async (ctx) => {
        try {
          ctx.extra.principal = await opts.authenticate(ctx.connectionParams?.authorization);
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx) => opts.makeContext(ctx.extra.principal ?? { kind: 'PUBLIC' }, randomUUID()),
    },
    wss,
  );
  return {
    wss,
    async dispose() {
      await server.dispose();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
