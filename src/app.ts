import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { authenticate } from './auth/authenticate';
import { busWithCredentialCache, createCredentialCache } from './auth/credential-cache';
import type { Principal } from './auth/principal';
import { refusedPrincipal } from './auth/refusal';
import { type ObservedCaller, refusedBy } from './http/operation-observer';
import type { Config } from './config';
import { createContext, type Deps, systemEm } from './context';
import { consumerLag } from './events/consumer-cursors.queries';
import { queueDepth } from './jobs/queue-depth.queries';
import { poolUse } from './db/pool.queries';
import { assertClusterUnlocked } from './db/embedded-checks';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { initOrm } from './db/orm';
import { createDefaultDeps } from './deps';
import { graphiqlHtml, serveGraphiqlAsset } from './http/graphiql';
import { createApollo, handleGraphqlHttp, LIMITS } from './http/graphql-http';
import { applyCors } from './http/cors';
import { recordHttpRequest } from './http/metrics';
import { registerGaugeCollectors } from './http/metrics-collectors';
import { serveOpsEndpoint } from './http/ops.routes';
import { sendHtml, sendJson } from './http/routes';
import { clientIp } from './http/client-ip';
import { attachWebSocket } from './http/ws';
import { type Background, startBackground } from './background';
import type { ConsumerRunner } from './events/consumers';
import { migrateQueue } from './jobs/queue';
import { assertBindable, listen } from './lib/listen';
import { createWsLimits } from './http/ws-limits';
import { createLogger } from './lib/logger';
import { createPrincipalResolver } from './modules/access/principal-resolver';
import { startEventFeed } from './pubsub/event-feed';
import { ensureEventPartitions } from './events/events.queries';
import { ensureBootstrap } from './modules/accounts/bootstrap';
import { type InboundSmtp, startInboundSmtp } from './modules/inbound/inbound-smtp';
import { ENTITIES, HTTP_ROUTES, ORM_SUBSCRIBERS } from './modules/modules';
import { createRequestLogWriter, type RequestLogWriter } from './modules/logs/request-log-writer';
import { ensureRequestLogPartitions } from './modules/logs/request-logs.queries';
import { type SmtpSubmission, startSmtpSubmission } from './modules/smtp-relay/submission-server';
import { buildAppSchema } from './schema';

/** A running Mailroom server. */
export interface App {
  readonly server: Server;
  readonly orm: MikroORM;
  readonly deps: Deps;
  readonly config: Config;
  readonly databaseUrl: string;
  /** The URL the server listens on, e.g. http://127.0.0.1:4000. */
  readonly url: string;
  /** The bootstrap admin secret when this start created the first account. */
  readonly bootstrapSecret: string | null;
  /** The port the inbound SMTP listener (bounces, complaints) is bound to; null when INBOUND_SMTP_PORT is unset. */
  readonly inboundSmtpPort: number | null;
  /** The ports of the SMTP submission server (STARTTLS, implicit TLS); null when off. */
  readonly smtpSubmissionPort: number | null;
  readonly smtpSubmissionTlsPort: number | null;
  /** This process's event consumers; null when it runs no worker (MAILROOM_WORKER=off). */
  readonly consumers: ConsumerRunner | null;
  /** This process's request log writer; null with REQUEST_LOGS=off. */
  readonly requestLog: RequestLogWriter | null;
  /** Shared executions of live subscriptions on this process's sockets (how many, serving how many subscribers). */
  liveSubscriptions(): { groups: number; members: number };
  stop(): Promise<void>;
}

/** Optional pieces for tests: fake deps, an ORM query hook, and whether to listen on loopback only. */
export interface AppOptions {
  deps?: Partial<Deps>;
  onQuery?: (sql: string) => void;
}

function wantsHtml(req: IncomingMessage, url: URL): boolean {
  return req.method === 'GET' && !url.searchParams.has('query') && String(req.headers.accept ?? '').includes('text/html');
}

/**
 * Builds and starts the whole server: database (embedded when DATABASE_URL is unset), migrations,
 * job worker and event consumers, GraphQL over HTTP and WebSocket, and — last, once it listens — the
 * bootstrap account, so that no failed start leaves a first account whose token nobody saw. What a
 * failed start had started is stopped again. Side effects: listens on config.port.
 */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const started: Array<() => Promise<unknown>> = [];
  try {
    return await startApp(config, options, started);
  } catch (e) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw e;
  }
}

async function startApp(config: Config, options: AppOptions, started: Array<() => Promise<unknown>>): Promise<App> {
  const logger = options.deps?.logger ?? createLogger(config.logLevel);
  // A data dir held by another server, or a taken port, fails here, before anything starts or is written.
  if (!config.databaseUrl) await assertClusterUnlocked(join(config.dataDir, 'pg', 'cluster'), logger);
  await assertBindable(config.port, config.host, 'PORT');
  if (config.inboundSmtpPort) await assertBindable(config.inboundSmtpPort, config.host, 'INBOUND_SMTP_PORT');
  if (config.smtpSubmissionPort) await assertBindable(config.smtpSubmissionPort, config.host, 'SMTP_SUBMISSION_PORT');
  if (config.smtpSubmissionTlsPort) await assertBindable(config.smtpSubmissionTlsPort, config.host, 'SMTP_SUBMISSION_TLS_PORT');
  const baseDeps = { ...createDefaultDeps(config, logger, options.deps), ...options.deps };
  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(join(config.dataDir, 'pg'), 'mailroom', logger);
    started.push(() => embedded!.stop());
    databaseUrl = embedded.url;
    logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started');
  }
  const orm = await initOrm(databaseUrl, ENTITIES, logger, options.onQuery, { createDatabase: config.createDatabase });
  started.push(() => orm.close(true));
  started.push(() => baseDeps.renderer.close());
  started.push(() => baseDeps.webhookSender.close());
  await ensureEventPartitions(orm.em);
  await ensureRequestLogPartitions(systemEm(orm));
  // Audited changes are recorded in the flush that makes them (the actor comes from the request's entity manager).
  for (const subscriber of ORM_SUBSCRIBERS) orm.em.getEventManager().registerSubscriber(subscriber);
  await migrateQueue(databaseUrl, logger);
  const feed = await startEventFeed(databaseUrl, orm, logger);
  started.push(() => feed.stop());
  const resolver = createPrincipalResolver(orm, baseDeps.clock);
  // Current access per credential for open sockets; credential changes published here invalidate it at once.
  const rawBus = options.deps?.bus ?? feed.bus;
  const clock = baseDeps.clock;
  const credentials = createCredentialCache({ authenticate: (auth) => authenticate(auth, resolver), bus: rawBus, now: () => clock.now().getTime(), maxAgeMs: 2000 });
  const deps: Deps = { ...baseDeps, feed: options.deps?.feed ?? feed, bus: busWithCredentialCache(rawBus, credentials) };
  started.push(async () => credentials.stop());
  const background: Background | null = config.runWorker ? await startBackground({ orm, config, deps }, databaseUrl, logger) : null;
  if (background) started.push(() => background.stop());
  const inbound: InboundSmtp | null = config.inboundSmtpPort === null ? null : await startInboundSmtp(orm, config, deps, config.inboundSmtpPort);
  if (inbound) started.push(() => inbound.stop());
  // One request log writer per process: operations are buffered and inserted in batches (at most a second behind).
  // Made before the SMTP submission server, which records its messages in it (and stops before it).
  const requestLog = config.requestLogs ? createRequestLogWriter(databaseUrl, logger) : null;
  if (requestLog) started.push(() => requestLog.stop());
  const wantsSubmission = config.smtpSubmissionPort !== null || (config.smtpSubmissionTlsPort !== null && config.smtpTlsCert !== null);
  const submission: SmtpSubmission | null = wantsSubmission ? await startSmtpSubmission(orm, config, deps, requestLog?.observe ?? null) : null;
  if (submission) started.push(() => submission.stop());
  const schema = await buildAppSchema();
  const apollo = createApollo(schema);
  await apollo.start();
  const makeContext = (principal: Principal, requestId: string, ip: string | null) => createContext(orm, config, deps, principal, requestId, ip);
  // The credential's current principal, from the per-process cache that revocations invalidate at once
  // (here, and through the bus in every other process). Each request of an API token or member session
  // counts against its limit (RATE_LIMITED, HTTP 429).
  // A refusal (an inactive token, a spent limit) carries the caller it refused, for the request log.
  // `resolved`: the credential's principal when the caller looked it up already (one lookup per request).
  const principalOf = (req: IncomingMessage): Promise<Principal> => (req.headers.authorization ? credentials.current(req.headers.authorization) : Promise.resolve({ kind: 'PUBLIC' }));
  const requestContext = async (req: IncomingMessage, requestId: string, resolved: Promise<Principal> = principalOf(req)) => {
    const caller = (principal: Principal): ObservedCaller => ({ principal, requestId, clientIp: clientIp(req, config.trustProxy) });
    let principal: Principal = { kind: 'PUBLIC' };
    try {
      principal = await resolved;
      await deps.rateLimits.request(principal);
    } catch (e) {
      const refused = refusedPrincipal(e) ?? (principal.kind === 'PUBLIC' ? null : principal);
      throw refused ? refusedBy(e, caller(refused)) : e;
    }
    return makeContext(principal, requestId, clientIp(req, config.trustProxy));
  };

  // Until the first account is created (after listening, see below), every request is told to come back.
  let ready = false;
  const ops = { orm, config, metrics: deps.metrics, listening: () => feed.listening(), worker: background ? () => background.running() : null };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = String(req.headers['x-request-id'] ?? '').slice(0, 64) || randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Liveness: the process answers, also while it starts.
    if (url.pathname === '/livez') return sendJson(res, 200, { status: 'live' });
    if (!ready) {
      res.setHeader('retry-after', '1');
      return sendJson(res, 503, { errors: [{ message: 'Mailroom is starting', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    }
    if (await serveOpsEndpoint(req, res, url.pathname, ops)) return;
    if (url.pathname === '/graphql') {
      if (applyCors(req, res, config.allowedOrigins)) return;
      if (wantsHtml(req, url)) return sendHtml(res, 200, graphiqlHtml());
      const rec = recordHttpRequest(res, deps.metrics, logger, requestId);
      // Attachments make large bodies: allowed with a valid credential only (from the cache, before the body is read), 1 MiB otherwise.
      const resolved = principalOf(req);
      const known = await resolved.then(
        (p) => p.kind !== 'PUBLIC',
        () => false,
      );
      const bodyLimit = known ? config.maxRequestBytes : LIMITS.bodyBytes;
      return handleGraphqlHttp(req, res, apollo, () => requestContext(req, requestId, resolved).then(rec.attach), logger.child({ requestId }), requestLog?.observe, bodyLimit);
    }
    if (url.pathname.startsWith('/graphiql/') && req.method === 'GET' && serveGraphiqlAsset(url.pathname.slice('/graphiql/'.length), res)) return;
    for (const route of HTTP_ROUTES) {
      const params = route.method === req.method ? route.match(url.pathname) : null;
      if (params) return route.handle(req, res, params, { orm, config, deps, url, requestId, requestContext: () => requestContext(req, requestId), observe: requestLog?.observe ?? null });
    }
    sendJson(res, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  };

  // Requests still running (a client may have hung up) finish before the database closes.
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    handle(req, res)
      .finally(() => inFlight--)
      .catch((err) => {
        logger.error({ err, url: req.url }, 'unhandled HTTP error');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.end();
      });
  });
  const ws = attachWebSocket(server, {
    schema,
    path: '/graphql',
    allowedOrigins: [new URL(config.publicUrl).origin, ...config.allowedOrigins],
    maxPayload: 256 * 1024,
    logger,
    credentials,
    makeContext,
    limits: createWsLimits({ maxOperationsPerSocket: config.wsMaxOperationsPerSocket, maxSocketsPerCredential: config.wsMaxSocketsPerCredential, rateLimits: deps.rateLimits }),
    trustProxy: config.trustProxy,
    metrics: deps.metrics,
    observe: requestLog?.observe,
  });
  registerGaugeCollectors(deps.metrics, {
    sockets: () => ws.wss.clients.size,
    operations: () => ws.running(),
    pool: () => poolUse(orm),
    queueDepth: () => queueDepth(systemEm(orm)),
    consumerLag: () => consumerLag(systemEm(orm)),
  });
  started.push(
    () => ws.dispose(),
    () => new Promise((r) => server.close(r)),
  );
  await listen(server, config.port, config.host, 'PORT');
  // Only now, with the server listening, may the first account be created: its token is shown next.
  const bootstrapSecret = await ensureBootstrap(orm, config, logger);
  ready = true;
  const addr = server.address() as { port: number };
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${addr.port}`;
  logger.info({ url: `${url}/graphql` }, 'Mailroom is listening');

  let stopped = false;
  return {
    server,
    orm,
    deps,
    config,
    databaseUrl,
    url,
    bootstrapSecret,
    inboundSmtpPort: inbound?.port ?? null,
    smtpSubmissionPort: submission?.port ?? null,
    smtpSubmissionTlsPort: submission?.tlsPort ?? null,
    consumers: background?.consumers ?? null,
    requestLog,
    liveSubscriptions: () => ws.shared.stats(),
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeIdleConnections();
      await ws.dispose();
      credentials.stop();
      await new Promise<void>((r) => server.close(() => r()));
      for (let waited = 0; inFlight > 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      await apollo.stop();
      // The submission server's last messages are still recorded: it stops before the request log's writer.
      if (submission) await submission.stop();
      if (requestLog) await requestLog.stop();
      if (background) await background.stop();
      if (inbound) await inbound.stop();
      await feed.stop();
      await deps.renderer.close();
      await deps.webhookSender.close();
      await orm.close(true);
      if (embedded) await embedded.stop();
      logger.info('stopped');
    },
  };
}
