import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../../config';
import type { Deps } from '../../context';
import { findMessageByVerpAddress, recordInboundReport } from './inbound.service';
import { parseReport } from './parse-report';

/** Largest inbound mail accepted (a DSN or ARF report with the original headers fits easily). */
export const MAX_INBOUND_BYTES = 1024 * 1024;
/** Recipients per SMTP transaction (a bounce has one). */
const MAX_RECIPIENTS = 10;

/** The running inbound listener. */
export interface InboundSmtp {
  /** The port it listens on (the real one when 0 was asked for). */
  readonly port: number;
  /** Stops accepting, lets open sessions finish (closing them after a few seconds). */
  stop(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Reads the DATA stream to the end, keeping at most the size limit (the rest is drained, not kept). */
async function readData(stream: SMTPServerDataStream): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size <= MAX_INBOUND_BYTES) chunks.push(chunk as Buffer);
  }
  return stream.sizeExceeded || size > MAX_INBOUND_BYTES ? null : Buffer.concat(chunks);
}

/**
 * Starts the inbound SMTP listener for bounces and complaints. It accepts mail only for VERP
 * addresses of existing messages (`bounce+<verpToken>@<return-path host>`; every other recipient is
 * refused with 550, so it relays nothing), up to 1 MB, and records what each DSN or ARF report
 * says. No AUTH, no STARTTLS, no reverse DNS lookups. Side effects: listens on `port`; writes events.
 */
export async function startInboundSmtp(orm: MikroORM, config: Pick<Config, 'host' | 'mailDomain'>, deps: Pick<Deps, 'clock' | 'logger'>, port: number): Promise<InboundSmtp> {
  const logger = deps.logger.child({ component: 'inbound-smtp' });

  async function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) throw smtpError(452, '4.5.3 Too many recipients');
    const found = await findMessageByVerpAddress(orm, address.address).catch((err: unknown) => {
      logger.error({ err }, 'looking up a bounce address failed');
      throw smtpError(451, '4.3.0 Temporary failure, try again later');
    });
    if (!found) throw smtpError(550, '5.1.1 No such recipient here');
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const raw = await readData(stream);
    if (!raw) throw smtpError(552, `5.3.4 Message too big (at most ${MAX_INBOUND_BYTES} bytes)`);
    const report = await parseReport(raw).catch((err: Error) => {
      logger.info({ session: session.id, err: err.message }, 'inbound mail could not be parsed');
      return null;
    });
    if (!report) {
      logger.info({ session: session.id }, 'inbound mail is neither a DSN nor an ARF report; accepted and dropped');
      return;
    }
    const now = deps.clock.now();
    for (const rcpt of session.envelope.rcptTo) {
      const message = await findMessageByVerpAddress(orm, rcpt.address);
      if (!message) continue;
      const type = await recordInboundReport(orm, message.id, report, now);
      logger.info({ session: session.id, messageId: message.id, type }, 'inbound report recorded');
    }
  }

  const server = new SMTPServer({
    name: `inbound.${config.mailDomain}`,
    banner: 'Mailroom bounce and complaint receiver',
    size: MAX_INBOUND_BYTES,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    maxClients: 100,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onRcptTo(address, session, callback) {
      onRcptTo(address, session).then(
        () => callback(),
        (err: Error) => callback(err),
      );
    },
    onData(stream, session, callback) {
      onData(stream, session).then(
        () => callback(),
        (err: Error & { responseCode?: number }) => {
          if (!err.responseCode) logger.error({ err, session: session.id }, 'processing inbound mail failed');
          stream.resume();
          callback(err.responseCode ? err : smtpError(451, '4.3.0 Temporary failure, try again later'));
        },
      );
    },
  });
  server.on('error', (err) => logger.warn({ err: err.message }, 'inbound SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, config.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.server.address() as AddressInfo).port;
  logger.info({ port: bound }, 'inbound SMTP listening');
  return {
    port: bound,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
