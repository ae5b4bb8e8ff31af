import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { type ExecutionArgs, type ExecutionResult, type GraphQLSchema, specifiedRules } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { accessFingerprint, type CredentialCache } from '../auth/credential-cache';
import type { Principal } from '../auth/principal';
import type { Context } from '../context';
import { unauthenticated } from '../graphql/errors';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import { clientIp } from './client-ip';
import type { OperationObserver } from './operation-observer';
import { observeExecuted, observeRefused, observeStart, type OperationTimes } from './ws-observe';
import { createArmor } from './graphql-http';
import { CLOSE_TOO_MANY_SOCKETS, type WsLimits } from './ws-limits';
import { createWsRecorder, type WsRunning } from './metrics';
import { CLOSE_UNAUTHORIZED, wsCredential } from './ws-auth';
import { createSharedSubscriptions, type MemberSink, SharedMember, type SharedSubscriptions } from './shared-subscriptions';
import { formatWsError, formatWsResult, guardStream, prepareWsOperation, type WsPayload } from './ws-operations';

/** Options of the WebSocket endpoint. */
export interface WsOptions {
  schema: GraphQLSchema;
  path: string;
  allowedOrigins: readonly string[];
  maxPayload: number;
  logger: Logger;
  /** Current principal per credential (checked before each operation and each event). */
  credentials: CredentialCache;
  makeContext(principal: Principal, requestId: string, clientIp: string | null): Context;
  /** Sockets per credential, operations per socket, requests per credential. */
  limits: WsLimits;
  /** Take the client IP from X-Forwarded-For (see MAILROOM_TRUST_PROXY). */
  trustProxy: boolean;
  /** How often open sockets' credentials are looked up again, as a backstop to the bus invalidations. */
  recheckMs?: number;
  /** Where operations are counted and timed. */
  metrics: Metrics;
  /** Receives each executed operation (the request log): a query or mutation with its result, a subscription once it started. */
  observe?: OperationObserver;
}

/** Close code for a connection whose credentials are invalid or no longer valid. */
export const CLOSE_FORBIDDEN = 4403;

/** What each socket carries: its principal, and the credential and access it was opened with. */
type SocketExtra = {
  socket: WebSocket;
  request: IncomingMessage;
  /** Ids of the operations holding a place under the per-socket cap. */
  operations?: Set<string>;
  principal?: Principal;
  authorization?: string;
  /** `credentials.keyOf(authorization)`, computed once. */
  credentialKey?: string;
  fingerprint?: string;
  /** Operations running on this socket, for the metrics and the request log. */
  running?: WsRunning;
  /** When each operation's subscribe message arrived (for the request log). */
  started?: OperationTimes;
};

type Ctx = WsContext<Record<string, unknown> | undefined, SocketExtra>;

/** True when a browser Origin may open a socket: same host as the request, or on the allow-list. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  if (allowed.includes('*')) return true;
  try {
    const o = new URL(origin);
    if (host && o.host === host) return true;
    return allowed.includes(o.origin);
  } catch {
    return false;
  }
}

function isAsyncIterable(r: unknown): r is AsyncIterable<ExecutionResult> {
  return typeof r === 'object' && r !== null && Symbol.asyncIterator in r;
}

/**
 * graphql-ws on the HTTP server's `path`: the token comes in `connection_init` (see wsCredential for
 * the forms read); one that is present but invalid closes the socket with 4401. Each operation goes
 * through the same guard, graphql-armor rules and formatError as HTTP, and is counted, timed and
 * logged when it ends (metrics.ts); before each operation and each subscription event the
 * credential's current access (from the per-process cache, invalidated by the bus) must still equal
 * the socket's, or the socket closes with 4403 and nothing more is delivered.
 */
export function attachWebSocket(http: Server, opts: WsOptions): { wss: WebSocketServer; shared: SharedSubscriptions; running(): number; dispose(): Promise<void> } {
  const shared = createSharedSubscriptions();
  const recorder = createWsRecorder(opts.metrics, opts.logger);
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload });
  const rules = [...specifiedRules, ...createArmor().validationRules];
  const { credentials } = opts;
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

  // Authenticated sockets by credential key with the access they were opened with. A credential whose
  // access changed or stopped closes its sockets; the client reconnects with its current access.
  const live = new Map<string, { authorization: string; sockets: Set<WebSocket>; fingerprint: string }>();
  async function recheck(key: string): Promise<void> {
    const entry = live.get(key);
    if (!entry) return;
    const now = await credentials.refresh(entry.authorization).then(accessFingerprint, () => null);
    if (now !== entry.fingerprint && live.get(key) === entry) {
      live.delete(key);
      for (const socket of entry.sockets) socket.close(CLOSE_FORBIDDEN, 'Forbidden');
    }
  }
  const timer = setInterval(() => void Promise.all([...live.keys()].map(recheck)), opts.recheckMs ?? 2000);
  timer.unref();
  const stopListening = credentials.onInvalidate((keys) => void Promise.all(keys.map(recheck)));

  /**
   * True when the socket's credential still grants what it was opened with; otherwise closes the socket.
   * Answered at once from a fresh cache entry (an open socket asks before every event); a stale or
   * invalidated entry is looked up again first.
   */
  function stillCurrent(ctx: Ctx): boolean | Promise<boolean> {
    const { authorization, credentialKey, fingerprint, socket } = ctx.extra;
    if (authorization === undefined) return true;
    const verdict = (now: string | null): boolean => {
      if (now === fingerprint) return true;
      socket.close(CLOSE_FORBIDDEN, 'Forbidden');
      return false;
    };
    const cached = credentialKey === undefined ? undefined : credentials.peek(credentialKey, authorization);
    if (cached) return verdict(accessFingerprint(cached));
    return credentials
      .current(authorization, credentialKey)
      .then(accessFingerprint, () => null)
      .then(verdict);
  }

  /**
   * Writes a shared execution's results to one socket as graphql-ws `next` messages, in order: each after
   * the socket's credential is found current (at once from a fresh cache entry; a lookup holds back this
   * and every later result of the operation until it answers), formatted as `onNext` would (errors per
   * socket), with the JSON of an error-free result made once for every socket.
   */
  function directSink(ctx: Ctx, id: string, args: ExecutionArgs): MemberSink {
    const socket = ctx.extra.socket;
    const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    let pending: Promise<void> | null = null;
    const write = (result: ExecutionResult, json: () => string): void => {
      if (socket.readyState !== socket.OPEN) return;
      const body = result.errors?.length ? JSON.stringify(formatWsResult(result, args.contextValue as Context)) : json();
      socket.send(`${prefix}${body}}`);
    };
    return (result, json) => {
      let verdict: boolean | Promise<boolean> | null = null;
      if (!pending) {
        verdict = stillCurrent(ctx);
        if (verdict === true) return write(result, json);
        if (verdict === false) return;
      }
      const asked = verdict;
      const p: Promise<void> = (pending ?? Promise.resolve())
        .then(() => asked ?? stillCurrent(ctx))
        .then((ok) => {
          if (ok) write(result, json);
        })
        .catch((err: unknown) => opts.logger.error({ err }, 'a live event could not be written'));
      pending = p;
      void p.then(() => {
        if (pending === p) pending = null;
      });
    };
  }

  function track(ctx: Ctx, authorization: string, fingerprint: string): void {
    const key = credentials.keyOf(authorization);
    let entry = live.get(key);
    if (!entry || entry.fingerprint !== fingerprint) {
      // Sockets opened with this credential's older access are stale: close them.
      for (const socket of entry?.sockets ?? []) socket.close(CLOSE_FORBIDDEN, 'Forbidden');
      entry = { authorization, sockets: new Set<WebSocket>(), fingerprint };
      live.set(key, entry);
    }
    const mine = entry;
    mine.sockets.add(ctx.extra.socket);
    ctx.extra.socket.once('close', () => {
      mine.sockets.delete(ctx.extra.socket);
      if (mine.sockets.size === 0 && live.get(key) === mine) live.delete(key);
    });
  }

  const server = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema: opts.schema,
      // Subscribers of the same live stream with the same document, variables and principal share one execution per event.
      subscribe: (args) => shared.subscribe(args),
      // Close reasons never carry an internal message.
      isProd: true,
      onConnect: async (ctx) => {
        const credential = wsCredential(ctx.connectionParams);
        if ('invalid' in credential) {
          ctx.extra.socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized');
          return false;
        }
        const authorization = credential.authorization;
        if (authorization === null) {
          ctx.extra.principal = { kind: 'PUBLIC' };
          return true;
        }
        try {
          ctx.extra.principal = await credentials.current(authorization);
        } catch {
          // A credential was given and is wrong: never treated as the public.
          ctx.extra.socket.close(CLOSE_UNAUTHORIZED, 'Unauthorized');
          return false;
        }
        if (!opts.limits.admitSocket(ctx.extra.principal, ctx.extra.socket)) {
          ctx.extra.socket.close(CLOSE_TOO_MANY_SOCKETS, 'Too many sockets for this credential');
          return false;
        }
        if (ctx.extra.principal.kind !== 'PUBLIC') {
          ctx.extra.authorization = authorization;
          ctx.extra.credentialKey = credentials.keyOf(authorization);
          ctx.extra.fingerprint = accessFingerprint(ctx.extra.principal);
          track(ctx, authorization, ctx.extra.fingerprint);
        }
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // The per-socket cap is taken before any await, so a burst of subscribe messages cannot overshoot it.
        const full = opts.limits.admitOperation((ctx.extra.operations ??= new Set()), ctx.subscriptions, id);
        if (full) return full;
        if (!(await stillCurrent(ctx))) return [unauthenticated('The credential of this connection is no longer valid')];
        const principal = ctx.extra.principal ?? { kind: 'PUBLIC' };
        const refused = await opts.limits.countRequest(principal);
        if (refused) return refused;
        if (opts.observe) observeStart((ctx.extra.started ??= new Map()), id);
        const ip = clientIp(ctx.extra.request, opts.trustProxy);
        const prepared = prepareWsOperation(opts.schema, rules, payload as WsPayload, () => opts.makeContext(principal, randomUUID(), ip), opts.logger);
        recorder.start((ctx.extra.running ??= new Map()), id, prepared, principal);
        if (Array.isArray(prepared)) observeRefused(opts.observe, ctx.extra, id, payload as WsPayload, prepared, () => opts.makeContext(principal, randomUUID(), ip));
        return prepared;
      },
      onComplete: (ctx, id) => recorder.end(ctx.extra.running ?? new Map(), id),
      // Each subscription event is checked against the credential's current access before it goes out.
      onOperation: (ctx, id, _payload, args, result) => {
        // A shared execution's results are written here, serialised once for all its sockets; its iterator
        // then only ends the operation (graphql-ws sends `complete` after the last frame) or carries its error.
        if (result instanceof SharedMember) result.attach(directSink(ctx, id, args));
        observeExecuted(opts.observe, ctx.extra, id, args, result);
        return isAsyncIterable(result) ? guardStream(result, args, () => stillCurrent(ctx)) : undefined;
      },
      onNext: (ctx, id, _payload, args, result) => {
        const formatted = formatWsResult(result as ExecutionResult, args.contextValue as Context);
        if (ctx.extra.running) recorder.next(ctx.extra.running, id, formatted.errors);
        return formatted;
      },
      onError: (ctx, id, _payload, errors) => {
        const formatted = errors.map((e) => formatWsError(e, opts.logger, randomUUID()));
        const running = (ctx.extra.running ??= new Map());
        // Refused before it was prepared (a full socket, a stale credential, the rate limit).
        if (!running.has(id)) recorder.start(running, id, errors, ctx.extra.principal);
        recorder.end(running, id, formatted);
        return formatted;
      },
    },
    wss,
  );
  return {
    wss,
    shared,
    running: () => recorder.running(),
    async dispose() {
      clearInterval(timer);
      stopListening();
      await server.dispose();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
