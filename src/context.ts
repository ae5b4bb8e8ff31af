import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Principal } from './auth/principal';
import { isAccountWide, type Scope, type ScopeFilterArgs } from './auth/scope';
import type { Config } from './config';
import { bindAuditActor } from './db/audit-actor';
import { SCOPE_FILTER } from './db/scope-filter';
import { forbidden, unauthenticated } from './graphql/errors';
import type { Clock } from './lib/clock';
import type { Logger } from './lib/logger';
import type { Permission } from './auth/permissions';
import type { EventFeed } from './pubsub/event-feed';
import type { NodeType } from './modules/module';
import type { TemplateRenderer } from './modules/templates/render-pool';
import type { RateLimits } from './auth/rate-limit';
import type { WebhookSender } from './modules/webhooks/webhook-http';
import type { Metrics } from './lib/metrics';

/** DNS lookups used for verification and blocklist checks; swapped in tests for a resolver pointed at a loopback server. */
export interface DnsLookup {
  resolveTxt(host: string): Promise<string[][]>;
  resolveCname(host: string): Promise<string[]>;
  resolveMx(host: string): Promise<{ exchange: string; priority: number }[]>;
  /** A records (blocklist lookups, RFC 5782). */
  resolve4(host: string): Promise<string[]>;
  /** PTR names of an IP address (reverse DNS); optional: a lookup without it answers no names. */
  reverse?(ip: string): Promise<string[]>;
}

/** A message for the mail transport. */
export interface OutgoingMail {
  from: { email: string; name?: string | null };
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Builds MIME and hands it to the transport; returns the raw message and its id. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ raw: string; messageId: string }>;
}

/** Options of a queued job. */
export interface JobOptions {
  runAt?: Date;
  jobKey?: string;
  /** With a `jobKey` and a queued (not yet running) job of that key: `replace` (default) moves it to `runAt`; `preserve_run_at` keeps its time. */
  jobKeyMode?: 'replace' | 'preserve_run_at';
  maxAttempts?: number;
}

/** Adds jobs to the durable queue inside the caller's transaction. */
export interface JobQueue {
  add(em: EntityManager, task: string, payload: object, opts?: JobOptions): Promise<void>;
  /**
   * Adds many jobs in one statement (graphile-worker's add_jobs), in list order: jobs due at the same time are picked in that order.
   * Keyed jobs of one call share one `jobKeyMode` (add_jobs takes one for all).
   */
  addMany(em: EntityManager, jobs: readonly { task: string; payload: object; opts?: JobOptions }[]): Promise<void>;
}

/** Event bus for subscriptions, across server processes (PostgreSQL NOTIFY); payloads are ids only. */
export interface Bus {
  publish(topic: string, payload: unknown): void;
  subscribe(topic: string): AsyncIterableIterator<unknown>;
}

/** Services the app is built with; tests pass fakes or loopback-backed ones. */
export interface Deps {
  clock: Clock;
  dns: DnsLookup;
  mailer: Mailer;
  logger: Logger;
  queue: JobQueue;
  bus: Bus;
  /** Live committed events (started with the database by createApp). */
  feed: EventFeed;
  /** The types `node(id)` loads, from the feature manifests. */
  nodeTypes: ReadonlyMap<string, NodeType>;
  /** Liquid rendering off the main thread (a worker-thread pool, closed when the process stops). */
  renderer: TemplateRenderer;
  /** Per-process counters for login, invitation and per-credential API limits. */
  rateLimits: RateLimits;
  /** Webhook requests over the SSRF-guarded HTTP client (closed when the process stops). */
  webhookSender: WebhookSender;
  /** This process's Prometheus metrics (one registry per app). */
  metrics: Metrics;
}

/** What the HTTP layer learns about a request while Apollo runs it (for its status, log line and metrics). */
export interface RequestOutcome {
  documentError: boolean;
  /** `query Viewer`, `mutation SendFirst`… (the operation type and the client's name for it, or `anonymous`), once resolved. */
  operation?: string;
  /** `query tenants,viewer`: the operation type and its root fields (schema names only), once resolved. */
  fields?: string;
  /** The error codes of the response, in order; empty when it had none. */
  codes?: string[];
}

/** Entity managers past the principal's scope (see `Context.systemAccess`). */
export interface SystemAccess {
  /** An entity manager that sees every account. */
  em(): EntityManager;
  /** An entity manager bound to another principal's scope (a session just opened). */
  scopedTo(scope: Scope): EntityManager;
}

/** Per-request (or per-WebSocket-operation) context. */
export interface Context {
  requestId: string;
  principal: Principal;
  /** Entity manager whose `scope` filter is bound to the principal: every query is scoped. */
  em: EntityManager;
  /**
   * The one way out of the principal's scope, for the access layer and the public/system services
   * that need it (login and sessions, confirmSenderIdentity, acceptInvitation): lint forbids it anywhere else.
   */
  systemAccess: SystemAccess;
  config: Config;
  deps: Deps;
  logger: Logger;
  /** The client's IP address (HTTP or WebSocket peer, or X-Forwarded-For with MAILROOM_TRUST_PROXY); null for jobs. */
  clientIp: string | null;
  /** Facts about the request for the HTTP layer; an object because Apollo hands plugins a shallow clone of the context. */
  outcome: RequestOutcome;
  /** A per-request DataLoader, created on first use under `key`. */
  loader<K, V>(key: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>): DataLoader<K, V>;
  /**
   * Forgets everything this context loaded (the entity manager's identity map, every DataLoader), so
   * what runs next reads the database afresh. A subscription calls it before each event: each event is
   * resolved as of its own moment, and nothing accumulates over the life of a socket.
   */
  renew(): void;
}

/** An entity manager with the scope filter bound to `args`. */
export function scopedEm(orm: MikroORM, args: ScopeFilterArgs): EntityManager {
  const em = orm.em.fork({ clear: true });
  em.setFilterParams(SCOPE_FILTER, args);
  return em;
}

/** An entity manager for system work (bootstrap, jobs, public links): sees every account. Use with care. */
export function systemEm(orm: MikroORM): EntityManager {
  return scopedEm(orm, { kind: 'system' });
}

/** Builds a context for a principal. */
export function createContext(orm: MikroORM, config: Config, deps: Deps, principal: Principal, requestId: string, clientIp: string | null = null): Context {
  const em = scopedEm(orm, principal.kind === 'PUBLIC' ? { kind: 'public' } : { kind: 'principal', scope: principal.scope });
  if (principal.kind !== 'PUBLIC') {
    const id = principal.kind === 'MEMBER' ? principal.membershipId : principal.tokenId;
    bindAuditActor(em, { kind: principal.kind, id, name: principal.label, accountId: principal.scope.accountId, requestId, ip: clientIp });
  }
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  return {
    requestId,
    principal,
    em,
    systemAccess: { em: () => systemEm(orm), scopedTo: (scope) => scopedEm(orm, { kind: 'principal', scope }) },
    config,
    deps,
    logger: deps.logger.child({ requestId }),
    clientIp,
    outcome: { documentError: false },
    renew() {
      em.clear();
      loaders.clear();
    },
    loader<K, V>(key: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>) {
      let l = loaders.get(key);
      if (!l) {
        l = new DataLoader<unknown, unknown>(batch as (keys: readonly unknown[]) => Promise<unknown[]>);
        loaders.set(key, l);
      }
      return l as DataLoader<K, V>;
    },
  };
}

/** The caller's scope; throws UNAUTHENTICATED for the public. */
export function requireScope(ctx: Context): Scope {
  if (ctx.principal.kind === 'PUBLIC') throw unauthenticated();
  return ctx.principal.scope;
}

/** Throws FORBIDDEN unless the caller holds every permission. */
export function requirePermission(ctx: Context, ...perms: Permission[]): Scope {
  const scope = requireScope(ctx);
  const missing = perms.filter((p) => !scope.permissions.includes(p));
  if (missing.length) throw forbidden(`Missing permission: ${missing.join(', ')}`);
  return scope;
}

/** Throws FORBIDDEN unless the caller is account-wide (isAccountWide: not limited to tenants, domains, identities or a template allow-list). */
export function requireAccountWide(ctx: Context): Scope {
  const scope = requireScope(ctx);
  if (!isAccountWide(scope)) throw forbidden('This needs an account-wide principal');
  return scope;
}
