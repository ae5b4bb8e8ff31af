import type { SMTPServerSession } from 'smtp-server';
import type { Principal } from '../../auth/principal';
import type { ObservedOperation } from '../../http/operation-observer';

/** The request log's operation name of an SMTP message transaction. */
export const SMTP_OPERATION_NAME = 'SMTP DATA';
/** The request log's operation name of a recipient refused at RCPT TO (over the per-message limit). */
export const SMTP_RCPT_OPERATION_NAME = 'SMTP RCPT TO';

/**
 * What one SMTP message transaction (DATA after AUTH) learnt as it ran, for its request log. The envelope
 * and request id are copied when DATA starts: smtp-server resets the session's envelope once it replied.
 */
export interface SubmissionRecord {
  at: Date;
  started: number;
  /** `smtp-<session id>-<transaction number>` (also the request id of the sendEmail calls it makes). */
  requestId: string;
  ip: string | null;
  /** The host name the client gave in EHLO/HELO (logged as its user agent). */
  helo: string | null;
  envelope: { mailFrom: string | null; rcptTo: string[] };
  /** The SMTP user's principal once looked up (also when it was refused as disabled); null before, or when it is gone. */
  principal: Principal | null;
  /** Bytes of the message received so far. */
  bytes: number;
  /** Global ids of the messages queued so far. */
  messageIds: string[];
  /** When the reply went out, if the record is logged later (a refusal before DATA waits for its principal); null: at logging. */
  answered: number | null;
}

/** The record of the transaction whose DATA starts now. Pure (reads the session). */
export function submissionRecord(session: SMTPServerSession): SubmissionRecord {
  return {
    at: new Date(),
    started: performance.now(),
    requestId: `smtp-${session.id}-${session.transaction}`,
    ip: session.remoteAddress || null,
    helo: typeof session.hostNameAppearsAs === 'string' && session.hostNameAppearsAs ? session.hostNameAppearsAs : null,
    envelope: { mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null, rcptTo: session.envelope.rcptTo.map((r) => r.address) },
    principal: null,
    bytes: 0,
    messageIds: [],
    answered: null,
  };
}

/** How a transaction was answered: the reply code and text, and the GraphQL error codes behind a refusal (empty when queued). */
export interface SubmissionReply {
  code: number;
  text: string;
  codes: string[];
}

/**
 * The request log's view of an answered transaction (transport SMTP, a sendEmail mutation: `SMTP DATA`, or
 * `SMTP RCPT TO` for a recipient refused before DATA, its envelope that recipient alone); null when no
 * SMTP user is known (nothing to file it under). Never carries the message: the envelope, its size and
 * the reply only. Pure.
 */
export function submissionOperation(r: SubmissionRecord, reply: SubmissionReply, operationName = SMTP_OPERATION_NAME): ObservedOperation | null {
  if (!r.principal || r.principal.kind === 'PUBLIC') return null;
  return {
    transport: 'SMTP',
    ctx: { principal: r.principal, requestId: r.requestId, clientIp: r.ip },
    at: r.at,
    document: null,
    operationName,
    variables: null,
    status: reply.code,
    response: `${reply.code} ${reply.text}`,
    durationMs: (r.answered ?? performance.now()) - r.started,
    userAgent: r.helo,
    smtp: { envelope: r.envelope, messageBytes: r.bytes, codes: reply.codes, messageIds: r.messageIds },
  };
}
