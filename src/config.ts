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
    ...overrides,
  };
  return Object.freeze(config);
}
