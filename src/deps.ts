import { Resolver } from 'node:dns/promises';
import nodemailer from 'nodemailer';
import type { Config } from './config';
import type { Deps, DnsLookup, Mailer } from './context';
import { createJobQueue } from './jobs/queue';
import { systemClock } from './lib/clock';
import type { Logger } from './lib/logger';

/** A DNS resolver pointed at `servers` (`host[:port]`), or the system's when empty. */
export function createDnsLookup(servers: readonly string[], timeoutMs = 3000): DnsLookup {
  const r = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length) r.setServers([...servers]);
  return {
    resolveTxt: (h) => r.resolveTxt(h),
    resolveCname: (h) => r.resolveCname(h),
    resolveMx: (h) => r.resolveMx(h),
  };
}

/**
 * The mail transport for system mail. Always renders the MIME message (nodemailer); in `relay`
 * mode also hands it to SMTP_URL. In `sandbox` mode nothing leaves the machine.
 */
export function createMailer(config: Config): Mailer {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const relay = config.deliveryMode === 'relay' && config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  return {
    async send(mail) {
      const fromAddr = { address: mail.from.email, name: mail.from.name ?? '' };
      const built = await builder.sendMail({ from: fromAddr, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      const raw = (built.message as Buffer).toString('utf8');
      if (relay) await relay.sendMail({ envelope: { from: mail.from.email, to: [mail.to] }, raw });
      return { raw, messageId: built.messageId };
    },
  };
}

/** The real dependencies for a config (the event feed and the bus start later, with the database). */
export function createDefaultDeps(config: Config, logger: Logger): Omit<Deps, 'feed' | 'bus'> {
  return {
    clock: systemClock,
    dns: createDnsLookup(config.dnsServers),
    mailer: createMailer(config),
    logger,
    queue: createJobQueue(),
  };
}
