import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TOKEN_PREFIX, isWellFormedSecret } from './auth/token-format';
import { type BlocklistZone, parseBlocklistZones } from './config-blocklist';
import { attachmentLimits, ConfigError, int, oneOf, smtpSubmission } from './config-read';

/** Delivery modes for outgoing mail. */
export type DeliveryMode = 'sandbox' | 'relay' | 'direct';

/** Validated, frozen process configuration. The only reader of `process.env`. */
export interface Config {
  readonly databaseUrl: string | null;
  /** Whether a missing DATABASE_URL database may be created (MAILROOM_CREATE_DATABASE=true); never by default. */
  readonly createDatabase: boolean;
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
  /** Largest DMARC report accepted: the mail (or upload) and the XML once decompressed (a zip bomb stops here). */
  readonly dmarcMaxReportBytes: number;
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
  /** Browser origins allowed to call /graphql (CORS) and open WebSockets besides the server's own host; `['*']`: any. */
  readonly allowedOrigins: readonly string[];
  /** Bearer secret `GET /metrics` needs; null: it is open. */
  readonly metricsToken: string | null;
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
  /** Webhook URLs may use plain http (MAILROOM_WEBHOOK_ALLOW_HTTP=true); https only by default. */
  readonly webhookAllowHttp: boolean;
  /** Webhooks may reach loopback and private addresses (MAILROOM_WEBHOOK_ALLOW_PRIVATE=true): development and tests only. */
  readonly webhookAllowPrivate: boolean;
  /** Delay before each webhook delivery attempt, in seconds (the first is the first attempt's); default the Standard Webhooks schedule. */
  readonly webhookRetryScheduleSeconds: readonly number[];
  /** Most requests in flight per webhook in the whole cluster (its one dispatcher's); 1: first attempts strictly in event order. */
  readonly webhookEndpointConcurrency: number;
  /** Timeout of one webhook request (connect to last byte). */
  readonly webhookTimeoutSeconds: number;
  /** How long webhook delivery records are kept. */
  readonly webhookRetentionDays: number;
  /** A webhook failing every delivery this long, and at least `webhookDisableAfterFailures` times in a row, is disabled. */
  readonly webhookDisableAfterHours: number;
  /** Consecutive failures before a failing webhook is disabled (together with `webhookDisableAfterHours`). */
  readonly webhookDisableAfterFailures: number;
  /** DNS blocklist zones the blocklist monitors check (BLOCKLIST_ZONES, `zone:ip|domain` comma list). */
  readonly blocklistZones: readonly BlocklistZone[];
  /** Timeout of one blocklist DNS lookup (A or TXT). */
  readonly blocklistLookupTimeoutMs: number;
  /** Most blocklist DNS lookups in flight at once per check. */
  readonly blocklistLookupConcurrency: number;
  /** Whether GraphQL operations are recorded in the request logs (REQUEST_LOGS=on|off). */
  readonly requestLogs: boolean;
  /** How many days of request logs are kept (whole days are dropped). */
  readonly requestLogRetentionDays: number;
  /** SMTP submission port (SMTP_SUBMISSION_PORT; 0 or unset: off → null). An override of 0 (tests) binds an ephemeral port. */
  readonly smtpSubmissionPort: number | null;
  /** Implicit-TLS submission port (SMTP_SUBMISSION_TLS_PORT); needs SMTP_TLS_CERT/SMTP_TLS_KEY; null: off. */
  readonly smtpSubmissionTlsPort: number | null;
  /** PEM certificate (chain) and key files of the submission server (STARTTLS and implicit TLS); null: no TLS. */
  readonly smtpTlsCert: string | null;
  readonly smtpTlsKey: string | null;
  /** AUTH is offered before TLS (SMTP_ALLOW_INSECURE_AUTH=true): local use only. */
  readonly smtpAllowInsecureAuth: boolean;
  /** Largest message the submission server accepts. */
  readonly smtpSubmissionMaxBytes: number;
  /** Most bytes of one message's attachments together, decoded (0: no attachments). */
  readonly maxAttachmentBytes: number;
  /** Largest GraphQL request body with a valid credential (without one: 1 MiB). */
  readonly maxRequestBytes: number;
}

/** A start-up failure the operator must fix (port taken, database refused…): the message names the setting. */
export class StartupError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function url(env: NodeJS.ProcessEnv, name: string, protocols: readonly string[], example: string): URL | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL; expected something like ${example}`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, like ${example}`);
  return parsed;
}

function databaseUrl(env: NodeJS.ProcessEnv): string | null {
  const parsed = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://user@127.0.0.1:5432/mailroom');
  if (!parsed) return null;
  if (parsed.pathname.length < 2) throw new ConfigError('DATABASE_URL must name a database, like postgres://user@127.0.0.1:5432/mailroom');
  return env.DATABASE_URL!;
}

// The bearer parser takes 1–200 non-space characters, and an mr_live_ secret must carry its checksum:
// a bootstrap token outside that could be created but never used — the admin would be locked out.
function bootstrapToken(env: NodeJS.ProcessEnv): string | null {
  const raw = env.MAILROOM_BOOTSTRAP_TOKEN;
  if (raw === undefined || raw === '') return null;
  if (raw.length < 24 || raw.length > 200) throw new ConfigError('MAILROOM_BOOTSTRAP_TOKEN must be 24 to 200 characters');
  if (/\s/.test(raw)) throw new ConfigError('MAILROOM_BOOTSTRAP_TOKEN must not contain spaces');
  if (raw.startsWith(TOKEN_PREFIX.session) || raw.startsWith(TOKEN_PREFIX.link)) throw new ConfigError(`MAILROOM_BOOTSTRAP_TOKEN must not start with ${TOKEN_PREFIX.session} or ${TOKEN_PREFIX.link}`);
  if (raw.startsWith(TOKEN_PREFIX.api) && !isWellFormedSecret(raw, 'api'))
    throw new ConfigError(`MAILROOM_BOOTSTRAP_TOKEN starts with ${TOKEN_PREFIX.api} but has no valid checksum; use another prefix or a generated token`);
  return raw;
}

function dnsServers(env: NodeJS.ProcessEnv): string[] {
  const list = (env.DNS_SERVERS || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    if (list.length) new Resolver().setServers(list);
  } catch {
    throw new ConfigError('DNS_SERVERS must be a comma list of IP addresses with an optional port (1.1.1.1, 127.0.0.1:5353, [::1]:53)');
  }
  return list;
}

function loadSecret(env: NodeJS.ProcessEnv, dataDir: string): Buffer {
  const raw = env.MAILROOM_SECRET;
  if (raw) {
    if (raw.length < 16) throw new ConfigError('MAILROOM_SECRET must be at least 16 characters');
    return Buffer.from(raw, 'utf8');
  }
  // No secret given: keep a generated one in the data dir so restarts can decrypt what was stored.
  const file = join(dataDir, 'secret.key');
  let stored: string;
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    stored = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(`MAILROOM_DATA_DIR ${dataDir} is not writable for the generated secret (${(e as NodeJS.ErrnoException).code ?? 'error'}); fix its permissions or set MAILROOM_SECRET`);
  }
  if (stored.length < 16) throw new ConfigError(`MAILROOM_DATA_DIR holds an unusable ${file} (shorter than 16 characters); restore it or set MAILROOM_SECRET`);
  return Buffer.from(stored, 'utf8');
}

/** Standard Webhooks: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
const WEBHOOK_SCHEDULE = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

function retrySchedule(env: NodeJS.ProcessEnv): number[] {
  const raw = env.WEBHOOK_RETRY_SCHEDULE_SECONDS;
  if (raw === undefined || raw === '') return WEBHOOK_SCHEDULE;
  const list = raw.split(',').map((x) => Number(x.trim()));
  if (list.length < 1 || list.length > 20 || list.some((n) => !Number.isInteger(n) || n < 0 || n > 86400)) {
    throw new ConfigError('WEBHOOK_RETRY_SCHEDULE_SECONDS must be a comma list of 1 to 20 delays in seconds (0–86400), like 0,5,300');
  }
  return list;
}

function blocklistZones(env: NodeJS.ProcessEnv): BlocklistZone[] {
  try {
    return parseBlocklistZones(env.BLOCKLIST_ZONES);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function secretSetting(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (!raw) return null;
  if (raw.length < 24) throw new ConfigError(`${name} must be at least 24 characters`);
  return raw;
}

function opsToken(env: NodeJS.ProcessEnv): string | null {
  return secretSetting(env, 'MAILROOM_OPS_TOKEN');
}

/**
 * Reads and validates the environment once; throws ConfigError naming the bad variable. Everything is
 * checked before anything is written: only then is the generated secret created in the data dir.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = resolve(env.MAILROOM_DATA_DIR || '.data');
  const port = int(env, 'PORT', 4000, 0, 65535);
  const deliveryMode = oneOf<DeliveryMode>(env, 'DELIVERY_MODE', ['sandbox', 'relay', 'direct'], 'sandbox');
  const smtpUrl = url(env, 'SMTP_URL', ['smtp:', 'smtps:'], 'smtp://user:pass@smtp.example.com:587');
  if (deliveryMode === 'relay' && !smtpUrl) throw new ConfigError('SMTP_URL is required when DELIVERY_MODE=relay');
  const mailDomain = (env.MAILROOM_MAIL_DOMAIN || 'mailroom.localhost').toLowerCase();
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(mailDomain)) throw new ConfigError('MAILROOM_MAIL_DOMAIN must be a domain name like mail.example.com');
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:'], 'https://mail.example.com');
  const allowedOrigins = (env.MAILROOM_ALLOWED_ORIGINS || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (allowedOrigins.includes('*') && allowedOrigins.length > 1) throw new ConfigError('MAILROOM_ALLOWED_ORIGINS is either * alone or a comma list of origins (https://app.example.com)');
  for (const origin of allowedOrigins) if (origin !== '*') url({ MAILROOM_ALLOWED_ORIGINS: origin }, 'MAILROOM_ALLOWED_ORIGINS', ['http:', 'https:'], 'https://app.example.com');
  const config: Omit<Config, 'secret'> = {
    databaseUrl: databaseUrl(env),
    createDatabase: oneOf(env, 'MAILROOM_CREATE_DATABASE', ['true', 'false'], 'false') === 'true',
    dataDir,
    port,
    host: env.HOST || '0.0.0.0',
    publicUrl: (publicUrl ? env.PUBLIC_URL! : `http://localhost:${port}`).replace(/\/$/, ''),
    bootstrapToken: bootstrapToken(env),
    dnsServers: dnsServers(env),
    mailDomain,
    deliveryMode,
    smtpUrl: smtpUrl ? env.SMTP_URL! : null,
    mxPort: int(env, 'MX_PORT', 25, 1, 65535),
    inboundSmtpPort: env.INBOUND_SMTP_PORT ? int(env, 'INBOUND_SMTP_PORT', 2525, 0, 65535) : null,
    dmarcMaxReportBytes: int(env, 'DMARC_MAX_REPORT_BYTES', 20 * 1024 * 1024, 64 * 1024, 512 * 1024 * 1024),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    domainRecheckIntervalSeconds: int(env, 'DOMAIN_RECHECK_INTERVAL_SECONDS', 900, 1, 86400),
    domainRecheckWindowHours: int(env, 'DOMAIN_RECHECK_WINDOW_HOURS', 72, 1, 720),
    runWorker: oneOf(env, 'MAILROOM_WORKER', ['on', 'off'], 'on') === 'on',
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 4, 1, 100),
    deliveryRetryBaseSeconds: int(env, 'DELIVERY_RETRY_BASE_SECONDS', 60, 1, 86400),
    deliveryRetryWindowHours: int(env, 'DELIVERY_RETRY_WINDOW_HOURS', 72, 1, 720),
    smtpTimeoutSeconds: int(env, 'SMTP_TIMEOUT_SECONDS', 60, 1, 600),
    allowedOrigins: allowedOrigins.map((o) => (o === '*' ? o : new URL(o).origin)),
    opsToken: opsToken(env),
    metricsToken: secretSetting(env, 'METRICS_TOKEN'),
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
    webhookAllowHttp: oneOf(env, 'MAILROOM_WEBHOOK_ALLOW_HTTP', ['true', 'false'], 'false') === 'true',
    webhookAllowPrivate: oneOf(env, 'MAILROOM_WEBHOOK_ALLOW_PRIVATE', ['true', 'false'], 'false') === 'true',
    webhookRetryScheduleSeconds: retrySchedule(env),
    webhookEndpointConcurrency: int(env, 'WEBHOOK_ENDPOINT_CONCURRENCY', 4, 1, 64),
    webhookTimeoutSeconds: int(env, 'WEBHOOK_TIMEOUT_SECONDS', 15, 1, 120),
    webhookRetentionDays: int(env, 'WEBHOOK_RETENTION_DAYS', 30, 1, 3650),
    webhookDisableAfterHours: int(env, 'WEBHOOK_DISABLE_AFTER_HOURS', 24, 0, 720),
    webhookDisableAfterFailures: int(env, 'WEBHOOK_DISABLE_AFTER_FAILURES', 20, 1, 100_000),
    blocklistZones: blocklistZones(env),
    blocklistLookupTimeoutMs: int(env, 'BLOCKLIST_LOOKUP_TIMEOUT_MS', 3000, 100, 60_000),
    blocklistLookupConcurrency: int(env, 'BLOCKLIST_LOOKUP_CONCURRENCY', 32, 1, 512),
    requestLogs: oneOf(env, 'REQUEST_LOGS', ['on', 'off'], 'on') === 'on',
    requestLogRetentionDays: int(env, 'REQUEST_LOG_RETENTION_DAYS', 30, 1, 3650),
    ...smtpSubmission(env),
    ...attachmentLimits(env),
  };
  return Object.freeze({ ...config, secret: overrides.secret ?? loadSecret(env, dataDir), ...overrides });
}
