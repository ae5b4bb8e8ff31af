import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { authenticate } from './auth/authenticate';
import type { Principal } from './auth/principal';
import type { Config } from './config';
import { createContext, type Deps } from './context';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { assertClusterUnlocked } from './db/embedded-checks';
import { initOrm } from './db/orm';
import { createDefaultDeps } from './deps';
import { graphiqlHtml, serveGraphiqlAsset } from './http/graphiql';
import { createApollo, handleGraphqlHttp } from './http/graphql-http';
import { sendHtml, sendJson } from './http/routes';
import { attachWebSocket } from './http/ws';
import { migrateQueue, startWorker, type Worker } from './jobs/queue';
import { assertBindable, listen } from './lib/listen';
import { createLogger } from './lib/logger';
import { createPrincipalResolver } from './modules/access/principal-resolver';
import { startEventFeed } from './modules/activity/event-feed';
import { ensureEventPartitions } from './modules/activity/events.queries';
import { ensureBootstrap } from './modules/accounts/bootstrap';
import { type InboundSmtp, startInboundSmtp } from './modules/inbound/inbound-smtp';
import { ENTITIES } from './modules/entities';
import { HTTP_ROUTES } from './modules/routes';
import { CRONTAB, createTaskList } from './modules/tasks';
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
 * job worker, GraphQL over HTTP and WebSocket, and — last, once it listens — the bootstrap account,
 * so that no failed start leaves a first account whose token nobody saw. What a failed start had
 * started is stopped again. Side effects: listens on config.port.
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
  await ensureEventPartitions(orm.em);
  await migrateQueue(databaseUrl, logger);
  const feed = await startEventFeed(databaseUrl, orm, logger);
  started.push(() => feed.stop());
  const deps: Deps = { ...baseDeps, feed: options.deps?.feed ?? feed, bus: options.deps?.bus ?? feed.bus };
  let runner: Worker | null = null;
  if (config.runWorker) runner = await startWorker(databaseUrl, createTaskList({ orm, config, deps }), logger, config.workerConcurrency, CRONTAB);
  if (runner) started.push(() => runner!.stop());
  const inbound: InboundSmtp | null = config.inboundSmtpPort === null ? null : await startInboundSmtp(orm, config, deps, config.inboundSmtpPort);
  if (inbound) started.push(() => inbound.stop());

  const schema = await buildAppSchema();
  const apollo = createApollo(schema);
  await apollo.start();
  const resolver = createPrincipalResolver(orm, deps.clock);
  const makeContext = (principal: Principal, requestId: string) => createContext(orm, config, deps, principal, requestId);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = String(req.headers['x-request-id'] ?? '').slice(0, 64) || randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') {
      await orm.em.getConnection().execute('select 1');
      return sendJson(res, 200, { status: 'ok' });
    }
    if (url.pathname === '/graphql') {
      if (wantsHtml(req, url)) return sendHtml(res, 200, graphiqlHtml());
      return handleGraphqlHttp(req, res, apollo, async () => makeContext(await authenticate(req.headers.authorization, resolver), requestId), logger.child({ requestId }));
    }
    if (url.pathname.startsWith('/graphiql/') && req.method === 'GET' && serveGraphiqlAsset(url.pathname.slice('/graphiql/'.length), res)) return;
    for (const route of HTTP_ROUTES) {
      const params = route.method === req.method ? route.match(url.pathname) : null;
      if (params) return route.handle(req, res, params, { orm, config, deps, url, requestId });
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
    authenticate: (auth) => authenticate(typeof auth === 'string' ? auth : null, resolver),
    makeContext,
  });
  started.push(() => ws.dispose(), () => new Promise((r) => server.close(r)));
  await listen(server, config.port, config.host, 'PORT');
  // Only now, with the server listening, may the first account be created: its token is shown next.
  const bootstrapSecret = await ensureBootstrap(orm, config, logger);
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
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeIdleConnections();
      await ws.dispose();
      await new Promise<void>((r) => server.close(() => r()));
      for (let waited = 0; inFlight > 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      await apollo.stop();
      if (runner) await runner.stop();
      if (inbound) await inbound.stop();
      await feed.stop();
      await orm.close(true);
      if (embedded) await embedded.stop();
      logger.info('stopped');
    },
  };
}
