import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/* Readers of single settings, for config.ts (the only module that hands them the environment). */

/** A configuration error: the message names the variable. */
export class ConfigError extends Error {}

/** An integer setting within [min, max] (unset or empty: `dflt`). */
export function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** A setting that is one of `allowed` (unset or empty: `dflt`). */
export function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], dflt: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!allowed.includes(raw as T)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${raw.slice(0, 40)}")`);
  return raw as T;
}

function pemPath(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (!raw) return null;
  if (!existsSync(raw)) throw new ConfigError(`${name} must be the path of a PEM file (${raw.slice(0, 100)} does not exist)`);
  return resolve(raw);
}

/** The SMTP submission settings (see Config). */
export interface SmtpSubmissionConfig {
  smtpSubmissionPort: number | null;
  smtpSubmissionTlsPort: number | null;
  smtpTlsCert: string | null;
  smtpTlsKey: string | null;
  smtpAllowInsecureAuth: boolean;
  smtpSubmissionMaxBytes: number;
}

/** SMTP_SUBMISSION_PORT, SMTP_SUBMISSION_TLS_PORT, SMTP_TLS_CERT/KEY, SMTP_ALLOW_INSECURE_AUTH, SMTP_SUBMISSION_MAX_BYTES. */
export function smtpSubmission(env: NodeJS.ProcessEnv): SmtpSubmissionConfig {
  const port = int(env, 'SMTP_SUBMISSION_PORT', 0, 0, 65535);
  const tlsPort = int(env, 'SMTP_SUBMISSION_TLS_PORT', 0, 0, 65535);
  const cert = pemPath(env, 'SMTP_TLS_CERT');
  const key = pemPath(env, 'SMTP_TLS_KEY');
  if (!cert !== !key) throw new ConfigError('SMTP_TLS_CERT and SMTP_TLS_KEY go together: set both or neither');
  if (tlsPort && !cert) throw new ConfigError('SMTP_SUBMISSION_TLS_PORT needs SMTP_TLS_CERT and SMTP_TLS_KEY');
  return {
    smtpSubmissionPort: port || null,
    smtpSubmissionTlsPort: tlsPort || null,
    smtpTlsCert: cert,
    smtpTlsKey: key,
    smtpAllowInsecureAuth: oneOf(env, 'SMTP_ALLOW_INSECURE_AUTH', ['true', 'false'], 'false') === 'true',
    smtpSubmissionMaxBytes: int(env, 'SMTP_SUBMISSION_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  };
}

/** The size settings of attachments and of the GraphQL request body that carries them (see Config). */
export interface AttachmentLimits {
  maxAttachmentBytes: number;
  maxRequestBytes: number;
}

/**
 * MAILROOM_MAX_ATTACHMENT_BYTES (decoded, per message; default 25 MiB) and MAILROOM_MAX_REQUEST_BYTES
 * (an authenticated GraphQL body; default what those attachments weigh in base64, plus 2 MiB).
 */
export function attachmentLimits(env: NodeJS.ProcessEnv): AttachmentLimits {
  const maxAttachmentBytes = int(env, 'MAILROOM_MAX_ATTACHMENT_BYTES', 25 * 1024 * 1024, 0, 100 * 1024 * 1024);
  const needed = Math.ceil(maxAttachmentBytes / 3) * 4 + 2 * 1024 * 1024;
  const maxRequestBytes = int(env, 'MAILROOM_MAX_REQUEST_BYTES', needed, 1024 * 1024, 512 * 1024 * 1024);
  return { maxAttachmentBytes, maxRequestBytes };
}
