import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';
import type { MikroORM } from '@mikro-orm/postgresql';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { Principal } from '../../auth/principal';
import { refusedPrincipal } from '../../auth/refusal';
import type { Config } from '../../config';
import { createContext, type Deps } from '../../context';
import { AppError, type ErrorCode } from '../../graphql/errors';
import type { OperationObserver } from '../../http/operation-observer';
import { sendEmails } from '../sending/send.service';
import { authenticateSmtpUser, smtpUserPrincipal } from '../access/smtp-user-principal';
import { SMTP_RCPT_OPERATION_NAME, type SubmissionRecord, type SubmissionReply, submissionOperation, submissionRecord } from './submission-log';
import { SmtpRefusal, sendRequestsOf } from './submission-message';

/** Envelope recipients per SMTP transaction (each sendEmail takes up to 50 To, Cc and Bcc). */
const MAX_RECIPIENTS = 50;

/** The running submission listeners. */
export interface SmtpSubmission {
  /** The STARTTLS port (null: off). */
  readonly port: number | null;
  /** The implicit-TLS port (null: off). */
  readonly tlsPort: number | null;
  /** Stops accepting; open sessions get a few seconds to finish. */
  stop(): Promise<void>;
}

const temporary = () => new SmtpRefusal(451, '4.3.0 Temporary failure, try again later', 'INTERNAL_SERVER_ERROR');
const gone = () => new SmtpRefusal(550, '5.7.1 This SMTP user is disabled or was deleted', 'UNAUTHENTICATED');

/**
 * The SMTP reply for an error of the sending path, with the GraphQL code behind it: the sender outside the
 * credential's scope is 550 with sendEmail's reason, a spent rate limit 451, a user disabled since AUTH 550.
 */
function refusalOf(e: unknown): SmtpRefusal | null {
  if (e instanceof SmtpRefusal) return e;
  if (!(e instanceof AppError)) return null;
  const code = e.extensions.code as ErrorCode;
  const field = typeof e.extensions.field === 'string' ? `${e.extensions.field}: ` : '';
  if (code === 'RATE_LIMITED') return new SmtpRefusal(451, `4.7.0 ${e.message}`, code);
  if (code === 'UNAUTHENTICATED') return gone();
  if (field.startsWith('from')) return new SmtpRefusal(550, `5.7.1 Sender not allowed for this SMTP user: ${e.message}`, code);
  if (code === 'BAD_USER_INPUT' || code === 'NOT_FOUND' || code === 'FORBIDDEN' || code === 'CONFLICT') return new SmtpRefusal(550, `5.6.0 ${field}${e.message}`, code);
  return null;
}

/**
 * Parses the DATA stream as it arrives (mailparser over the stream: the raw message is never held whole,
 * only its decoded parts — an attachment's bytes once, until stored). Past `limit` bytes nothing more is
 * fed to the parser (the rest is drained) and the message is refused with 552.
 */
async function parseStream(stream: SMTPServerDataStream, limit: number, record: SubmissionRecord): Promise<ParsedMail> {
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      record.bytes += chunk.length;
      done(null, record.bytes <= limit ? chunk : undefined);
    },
  });
  // Inline images keep their cid: links (mailparser would turn them into data: URIs).
  const mail = await simpleParser(stream.pipe(counted), { keepCidLinks: true });
  if (stream.sizeExceeded || record.bytes > limit) throw new SmtpRefusal(552, `5.3.4 Message too big (at most ${limit} bytes)`);
  return mail;
}

/**
 * Starts the SMTP submission server: AUTH PLAIN/LOGIN with an SMTP user's credentials (only after TLS
 * unless SMTP_ALLOW_INSECURE_AUTH), STARTTLS on `smtpSubmissionPort` and implicit TLS on
 * `smtpSubmissionTlsPort` with the configured certificate. Each message is parsed and accepted through
 * sendEmails — all its requests or none — as the SMTP user's principal (its domain or sender identity, EMAIL_SEND only): a From
 * outside that scope is refused with 550, as sendEmail refuses it. Each message transaction is handed to
 * `observe` (the request log, transport SMTP) once it was answered, when its SMTP user is known — refusals
 * after AUTH included, and each recipient refused at RCPT TO; never before the reply, never waited for.
 * Not logged: a failed AUTH (no SMTP user to file it under) and a MAIL FROM refused by smtp-server itself
 * (a declared SIZE over the limit: 552 before any handler runs). Side effects: listens; writes messages.
 */
export async function startSmtpSubmission(orm: MikroORM, config: Config, deps: Deps, observe: OperationObserver | null = null): Promise<SmtpSubmission> {
  const logger = deps.logger.child({ component: 'smtp-submission' });
  const tls = config.smtpTlsCert && config.smtpTlsKey ? { cert: readFileSync(config.smtpTlsCert), key: readFileSync(config.smtpTlsKey) } : null;

  /** The SMTP user's principal now; a disabled user's refusal still names it in `record` (its message is logged under it). */
  async function principalFor(session: SMTPServerSession, record: SubmissionRecord): Promise<Principal> {
    let principal: Principal | null;
    try {
      principal = await smtpUserPrincipal(orm, String(session.user));
    } catch (e) {
      record.principal = refusedPrincipal(e);
      throw e;
    }
    if (!principal) throw gone();
    return (record.principal = principal);
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession, record: SubmissionRecord): Promise<string> {
    // A message too big is refused once its SMTP user is known, so the refusal is logged under it.
    const parsed = await parseStream(stream, config.smtpSubmissionMaxBytes, record).then(
      (mail) => ({ mail, error: null }),
      (error: unknown) => ({ mail: null, error }),
    );
    const principal = await principalFor(session, record);
    if (!parsed.mail) throw parsed.error;
    const requests = sendRequestsOf(parsed.mail, record.envelope.rcptTo);
    await deps.rateLimits.request(principal);
    const ctx = createContext(orm, config, deps, principal, record.requestId, session.remoteAddress);
    // All or nothing: a message split into one request per recipient is accepted whole or refused whole
    // (a client retrying a refused message must not duplicate the copies accepted before the refusal).
    const ids = record.messageIds;
    ids.push(...(await sendEmails(ctx, requests)).flat().map((m) => m.gid));
    logger.info({ session: session.id, smtpUserId: record.principal?.kind === 'API_TOKEN' ? record.principal.smtpUserId : null, messages: ids.length }, 'SMTP message accepted');
    return `2.0.0 Ok: queued as ${ids[0]}${ids.length > 1 ? ` (+${ids.length - 1} more)` : ''}`;
  }

  /** Hands an answered transaction to the request log (after the reply went out; a fault here is logged, never thrown). */
  function logTransaction(r: SubmissionRecord, reply: SubmissionReply, operationName?: string): void {
    if (!observe) return;
    try {
      const op = submissionOperation(r, reply, operationName);
      if (op) observe(op);
    } catch (err) {
      logger.warn({ err, session: r.requestId }, 'request log: an SMTP message could not be recorded');
    }
  }

  /**
   * Logs a recipient refused at RCPT TO under the session's SMTP user (looked up after the reply went out;
   * a user gone since AUTH leaves no row): its envelope is MAIL FROM and that recipient; its request id the
   * transaction's, shared with the DATA that may follow.
   */
  function logRefusedRecipient(session: SMTPServerSession, address: string, refusal: SmtpRefusal): void {
    if (!observe || !session.user) return;
    const r = submissionRecord(session);
    r.envelope.rcptTo = [address];
    r.answered = performance.now();
    void principalFor(session, r)
      .catch(() => undefined)
      .then(() => logTransaction(r, { code: refusal.responseCode, text: refusal.message, codes: [refusal.code] }, SMTP_RCPT_OPERATION_NAME));
  }

  /** Checks a credential; failed attempts count per client IP (RATE_LIMIT_LOGIN_PER_IP), and over the limit AUTH is refused with 454. */
  async function authenticate(username: string, password: string, session: SMTPServerSession): Promise<string> {
    const key = `smtp:${session.remoteAddress}`;
    await deps.rateLimits.guard('loginIp', key).catch((e: unknown) => {
      throw e instanceof AppError ? new SmtpRefusal(454, `4.7.0 Too many failed authentications: ${e.message}`) : e;
    });
    const user = await authenticateSmtpUser(orm, username, password, deps.clock.now());
    if (user) return user.id;
    await deps.rateLimits.penalize('loginIp', key);
    throw new SmtpRefusal(535, '5.7.8 Authentication credentials invalid');
  }

  const options = (secure: boolean): SMTPServerOptions => ({
    name: config.mailDomain,
    banner: 'Mailroom SMTP submission',
    secure,
    ...(tls ?? {}),
    size: config.smtpSubmissionMaxBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: config.smtpAllowInsecureAuth,
    disabledCommands: tls ? [] : ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    maxClients: 200,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onAuth(auth, session, callback) {
      authenticate(auth.username ?? '', auth.password ?? '', session).then(
        (userId) => callback(null, { user: userId }),
        (err: unknown) => {
          const refusal = refusalOf(err);
          if (!refusal) logger.error({ err, session: session.id }, 'SMTP AUTH lookup failed');
          callback(refusal ?? temporary());
        },
      );
    },
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length < MAX_RECIPIENTS) return callback();
      const refusal = new SmtpRefusal(452, `4.5.3 Too many recipients (at most ${MAX_RECIPIENTS} per message)`);
      callback(refusal);
      logRefusedRecipient(session, address.address, refusal);
    },
    onData(stream, session, callback) {
      const r = submissionRecord(session);
      onData(stream, session, r).then(
        (reply) => {
          callback(null, reply);
          logTransaction(r, { code: 250, text: reply, codes: [] });
        },
        (err: unknown) => {
          const refusal = refusalOf(err);
          if (!refusal) logger.error({ err, session: session.id }, 'accepting an SMTP message failed');
          else logger.info({ session: session.id, code: refusal.responseCode, reason: refusal.message }, 'SMTP message refused');
          stream.resume();
          const answer = refusal ?? temporary();
          callback(answer);
          logTransaction(r, { code: answer.responseCode, text: answer.message, codes: [answer.code] });
        },
      );
    },
  });

  const servers: SMTPServer[] = [];
  const listen = async (port: number, secure: boolean): Promise<number> => {
    const server = new SMTPServer(options(secure));
    server.on('error', (err) => logger.warn({ err: err.message }, 'SMTP submission error'));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, config.host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    servers.push(server);
    return (server.server.address() as AddressInfo).port;
  };
  const stop = () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
  try {
    const port = config.smtpSubmissionPort === null ? null : await listen(config.smtpSubmissionPort, false);
    const tlsPort = config.smtpSubmissionTlsPort === null || !tls ? null : await listen(config.smtpSubmissionTlsPort, true);
    if (!tls && !config.smtpAllowInsecureAuth) logger.warn('SMTP submission has no TLS certificate (SMTP_TLS_CERT/SMTP_TLS_KEY) and insecure AUTH is off: nobody can authenticate');
    logger.info({ port, tlsPort }, 'SMTP submission listening');
    return { port, tlsPort, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
