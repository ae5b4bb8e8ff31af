import pino, { type Logger } from 'pino';

export type { Logger };

/** Creates the structured JSON logger (pino). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'mailroom' }, redact: ['req.headers.authorization', 'authorization', 'password', 'secret'] });
}
