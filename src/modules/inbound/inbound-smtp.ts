import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../../config';
import { type Deps, systemEm } from '../../context';
import { fileMailReport, findMonitorByRuaAddress, isRuaAddress } from '../dmarc/dmarc-inbound';
import { DmarcRefusal } from '../dmarc/refusal';
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

/** Reads the DATA stream to the end, keeping at most `limit` bytes (the rest is drained, not kept); null when it was larger. */
async function readData(stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return stream.sizeExceeded || size > limit ? null : Buffer.concat(chunks);
}

/**
 * Starts the inbound SMTP listener for bounces, complaints and DMARC reports. It accepts mail only for
 * VERP addresses of existing messages (`bounce+<verpToken>@<return-path host>`, up to 1 MB) and rua
 * addresses of existing DMARC monitors (`dmarc-<token>@inbound.<mail domain>`, up to
 * DMARC_MAX_REPORT_BYTES); every other recipient is refused with 550, so it relays nothing. It records
 * what each DSN or ARF report says and files each DMARC report under the monitor of its address (a
 * mail that carries no report of that monitor's domain is refused with 550). No AUTH, no STARTTLS, no
 * reverse DNS lookups. Side effects: listens on `port`; writes events and reports.
 */
export async function startInboundSmtp(orm: MikroORM, config: Pick<Config, 'host' | 'mailDomain' | 'dmarcMaxReportBytes'>, deps: Pick<Deps, 'clock' | 'logger'>, port: number): Promise<InboundSmtp> {
  const logger = deps.logger.child({ component: 'inbound-smtp' });
  const isRua = (address: string) => isRuaAddress(address, config.mailDomain);

  async function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) throw smtpError(452, '4.5.3 Too many recipients');
    const lookup = isRua(address.address) ? findMonitorByRuaAddress(systemEm(orm), address.address, config.mailDomain) : findMessageByVerpAddress(orm, address.address);
    const found = await lookup.catch((err: unknown) => {
      logger.error({ err }, 'looking up an inbound address failed');
      throw smtpError(451, '4.3.0 Temporary failure, try again later');
    });
    if (!found) throw smtpError(550, '5.1.1 No such recipient here');
  }

  /** Files the DMARC report of the mail under the monitor of each rua recipient; refuses the mail when it carries none. */
  async function onDmarcData(raw: Buffer, session: SMTPServerSession): Promise<void> {
    for (const rcpt of session.envelope.rcptTo.filter((r) => isRua(r.address))) {
      const monitor = await findMonitorByRuaAddress(systemEm(orm), rcpt.address, config.mailDomain);
      if (!monitor) continue;
      try {
        const filed = await fileMailReport(systemEm(orm), monitor, raw, config.dmarcMaxReportBytes);
        logger.info({ session: session.id, monitorId: monitor.id, reportId: filed.report.id, duplicate: filed.duplicate }, 'DMARC report filed');
      } catch (e) {
        if (!(e instanceof DmarcRefusal)) throw e;
        logger.info({ session: session.id, monitorId: monitor.id, reason: e.reason }, 'DMARC report refused');
        throw smtpError(550, `5.6.0 Not a DMARC report this address takes (${e.reason}): ${e.message}`);
      }
    }
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const dmarc = session.envelope.rcptTo.some((r) => isRua(r.address));
    const limit = dmarc ? Math.max(config.dmarcMaxReportBytes, MAX_INBOUND_BYTES) : MAX_INBOUND_BYTES;
    const raw = await readData(stream, limit);
    if (!raw) throw smtpError(552, `5.3.4 Message too big (at most ${limit} bytes)`);
    if (dmarc) await onDmarcData(raw, session);
    if (session.envelope.rcptTo.every((r) => isRua(r.address))) return;
    const report = await parseReport(raw).catch((err: Error) => {
      logger.info({ session: session.id, err: err.message }, 'inbound mail could not be parsed');
      return null;
    });
    if (!report) {
      logger.info({ session: session.id }, 'inbound mail is neither a DSN nor an ARF report; accepted and dropped');
      return;
    }
    const now = deps.clock.now();
    for (const rcpt of session.envelope.rcptTo.filter((r) => !isRua(r.address))) {
      const message = await findMessageByVerpAddress(orm, rcpt.address);
      if (!message) continue;
      const type = await recordInboundReport(orm, message.id, report, now);
      logger.info({ session: session.id, messageId: message.id, type }, 'inbound report recorded');
    }
  }

  const server = new SMTPServer({
    name: `inbound.${config.mailDomain}`,
    banner: 'Mailroom bounce, complaint and DMARC report receiver',
    size: Math.max(config.dmarcMaxReportBytes, MAX_INBOUND_BYTES),
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
