import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Delivery modes for outgoing mail. */
export type DeliveryMode = 'sandbox' | 'relay' | 'direct';

/** Validated, frozen process configuration. The only reader of `process.env`. */
export interface Config {
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly secret: Buffer;
  readonly bootstrapToken: string | null;
  readonly dnsServers: readonly string[];
  readonly mailDomain: string;
  readonly deliveryMode: DeliveryMode;
  readonly smtpUrl: string | null;
  readonly mxPort: number;
  readonly inboundSmtpPort: number | null;
  readonly logLevel: string;
  readonly domainRecheckIntervalSeconds: number;
  readonly domainRecheckWindowHours: number;
  readonly runWorker: boolean;
  /** How many jobs one worker process runs at once (also the most messages a crash can send twice). */
  readonly workerConcurrency: number;
  /** First retry delay after a temporary SMTP failure; doubles per attempt (capped at 4 hours). */
  readonly deliveryRetryBaseSeconds: number;
  /** How long a message keeps being retried after it was accepted before it soft-bounces. */
  readonly deliveryRetryWindowHours: number;
  /** SMTP connection and reply timeout for outgoing delivery. */
  readonly smtpTimeoutSeconds: number;
  /** Browser origins allowed to open WebSockets besides the server's own host. */
  readonly allowedOrigins: readonly string[];
  /** Bearer secret of the operators' endpoints (`/ops/…`: event consumer lag); null: they answer 404. */
  readonly opsToken: string | null;
  /** Login attempts per client IP per attempt window (0: no limit). */
  readonly rateLimitLoginPerIp: number;
  /** Failed logins per e-mail address per attempt window (0: no limit). */
  readonly rateLimitLoginFailuresPerAddress: number;
  /** acceptInvitation attempts per client IP per attempt window (0: no limit). */
  readonly rateLimitInvitationPerIp: number;
  /** Failed acceptInvitation attempts per invitation token per attempt window (0: no limit). */
  readonly rateLimitInvitationFailuresPerToken: number;
  /** The window of the login and invitation limits. */
  readonly rateLimitAttemptWindowSeconds: number;
  /** GraphQL requests (HTTP or WebSocket operations) per API token or member session per API window (0: no limit). */
  readonly rateLimitApiPerCredential: number;
  /** The window of the per-credential API limit. */
  readonly rateLimitApiWindowSeconds: number;
  /** Most operations (subscriptions included) running at once on one WebSocket. */
  readonly wsMaxOperationsPerSocket: number;
  /** Most WebSockets open at once per API token or member session. */
  readonly wsMaxSocketsPerCredential: number;
  /** Take the client IP from the last X-Forwarded-For entry (set behind a reverse proxy you run). */
  readonly trustProxy: boolean;
  /** Threads rendering Liquid templates (off the main thread). */
  readonly renderThreads: number;
  /** Wall-clock budget of one template render (all its parts). */
  readonly renderTimeoutMs: number;
  /** Wall-clock budget of the template renders of one bulk-send chunk. */
  readonly renderChunkBudgetMs: number;
}

/** A configuration error: the message names the variable. */
export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

function loadSecret(env: NodeJS.ProcessEnv, dataDir: string): Buffer {
  const raw = env.MAILROOM_SECRET;
  if (raw) {
    if (raw.length < 16) throw new ConfigError('MAILROOM_SECRET must be at least 16 characters');
    return Buffer.from(raw, 'utf8');
  }
  // No secret given: keep a generated one in the data dir so restarts can decrypt what was stored.
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}

function opsToken(env: NodeJS.ProcessEnv): string | null {
  const raw = env.MAILROOM_OPS_TOKEN;
  if (!raw) return null;
  if (raw.length < 24) throw new ConfigError('MAILROOM_OPS_TOKEN must be at least 24 characters');
  return raw;
}

/** Reads and validates the environment once; throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = resolve(env.MAILROOM_DATA_DIR || '.data');
  const port = int(env, 'PORT', 4000, 0, 65535);
  const deliveryMode = (env.DELIVERY_MODE || 'sandbox') as DeliveryMode;
  if (!['sandbox', 'relay', 'direct'].includes(deliveryMode)) throw new ConfigError('DELIVERY_MODE must be sandbox, relay or direct');
  const smtpUrl = env.SMTP_URL || null;
  if (deliveryMode === 'relay' && !smtpUrl) throw new ConfigError('SMTP_URL is required when DELIVERY_MODE=relay');
  const mailDomain = (env.MAILROOM_MAIL_DOMAIN || 'mailroom.localhost').toLowerCase();
  const dnsServers = (env.DNS_SERVERS || '').split(',').map((s) => s.trim()).filter(Boolean);
  const config: Config = {
    databaseUrl: env.DATABASE_URL || null,
    dataDir,
    port,
    host: env.HOST || '0.0.0.0',
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
    secret: overrides.secret ?? loadSecret(env, dataDir),
    bootstrapToken: env.MAILROOM_BOOTSTRAP_TOKEN || null,
    dnsServers,
    mailDomain,
    deliveryMode,
    smtpUrl,
    mxPort: int(env, 'MX_PORT', 25, 1, 65535),
    inboundSmtpPort: env.INBOUND_SMTP_PORT ? int(env, 'INBOUND_SMTP_PORT', 2525, 0, 65535) : null,
    logLevel: env.LOG_LEVEL || 'info',
    domainRecheckIntervalSeconds: int(env, 'DOMAIN_RECHECK_INTERVAL_SECONDS', 900, 1, 86400),
    domainRecheckWindowHours: int(env, 'DOMAIN_RECHECK_WINDOW_HOURS', 72, 1, 720),
    runWorker: env.MAILROOM_WORKER !== 'off',
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 4, 1, 100),
    deliveryRetryBaseSeconds: int(env, 'DELIVERY_RETRY_BASE_SECONDS', 60, 1, 86400),
    deliveryRetryWindowHours: int(env, 'DELIVERY_RETRY_WINDOW_HOURS', 72, 1, 720),
    smtpTimeoutSeconds: int(env, 'SMTP_TIMEOUT_SECONDS', 60, 1, 600),
    allowedOrigins: (env.MAILROOM_ALLOWED_ORIGINS || '').split(',').map((s) => s.trim()).filter(Boolean),
    opsToken: opsToken(env),
    rateLimitLoginPerIp: int(env, 'RATE_LIMIT_LOGIN_PER_IP', 50, 0, 1_000_000),
    rateLimitLoginFailuresPerAddress: int(env, 'RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS', 10, 0, 1_000_000),
    rateLimitInvitationPerIp: int(env, 'RATE_LIMIT_INVITATION_PER_IP', 50, 0, 1_000_000),
    rateLimitInvitationFailuresPerToken: int(env, 'RATE_LIMIT_INVITATION_FAILURES_PER_TOKEN', 10, 0, 1_000_000),
    rateLimitAttemptWindowSeconds: int(env, 'RATE_LIMIT_ATTEMPT_WINDOW_SECONDS', 900, 1, 86400),
    rateLimitApiPerCredential: int(env, 'RATE_LIMIT_API_PER_CREDENTIAL', 3000, 0, 100_000_000),
    rateLimitApiWindowSeconds: int(env, 'RATE_LIMIT_API_WINDOW_SECONDS', 60, 1, 86400),
    wsMaxOperationsPerSocket: int(env, 'WS_MAX_OPERATIONS_PER_SOCKET', 100, 1, 100_000),
    wsMaxSocketsPerCredential: int(env, 'WS_MAX_SOCKETS_PER_CREDENTIAL', 20, 1, 100_000),
    trustProxy: env.MAILROOM_TRUST_PROXY === 'true',
    renderThreads: int(env, 'RENDER_THREADS', 2, 1, 64),
    renderTimeoutMs: int(env, 'RENDER_TIMEOUT_MS', 1000, 10, 60_000),
    renderChunkBudgetMs: int(env, 'RENDER_CHUNK_BUDGET_MS', 10_000, 10, 600_000),
    ...overrides,
  };
  return Object.freeze(config);
}
