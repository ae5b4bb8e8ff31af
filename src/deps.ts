import { Resolver } from 'node:dns/promises';
import nodemailer from 'nodemailer';
import type { Config } from './config';
import type { Deps, DnsLookup, Mailer } from './context';
import { createJobQueue } from './jobs/queue';
import { NODE_TYPES } from './modules/modules';
import { createRateLimits, rateRules } from './auth/rate-limit';
import { createOutbound } from './modules/sending/outbound';
import { createRenderPool } from './modules/templates/render-pool';
import { systemClock } from './lib/clock';
import { createWebhookSender } from './modules/webhooks/webhook-http';
import { createWebhookDispatcher } from './modules/webhooks/ssrf';
import type { Logger } from './lib/logger';
import { createMetrics } from './lib/metrics';

/** A DNS resolver pointed at `servers` (`host[:port]`), or the system's when empty. */
export function createDnsLookup(servers: readonly string[], timeoutMs = 3000): DnsLookup {
  const r = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length) r.setServers([...servers]);
  return {
    resolveTxt: (h) => r.resolveTxt(h),
    resolveCname: (h) => r.resolveCname(h),
    resolveMx: (h) => r.resolveMx(h),
    resolve4: (h) => r.resolve4(h),
    reverse: (ip) => r.reverse(ip),
  };
}

/**
 * The mail transport for system mail (confirmations, invitations): renders the MIME message
 * (nodemailer) and hands it over the same way as all mail for DELIVERY_MODE — nothing in `sandbox`,
 * SMTP_URL in `relay`, the recipient's MX in `direct`. The message is stored by the caller either
 * way; a hand-over that fails is logged (the sender identity's confirmation can be resent).
 */
export function createMailer(config: Config, dns: DnsLookup, logger: Logger): Mailer {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const outbound = createOutbound(config, dns);
  return {
    async send(mail) {
      const fromAddr = { address: mail.from.email, name: mail.from.name ?? '' };
      const built = await builder.sendMail({ from: fromAddr, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      const raw = (built.message as Buffer).toString('utf8');
      const outcome = await outbound.send({ from: mail.from.email, to: mail.to }, raw);
      if (outcome.kind !== 'accepted') logger.warn({ to: mail.to, outcome: outcome.kind, response: outcome.response }, 'system e-mail was not accepted');
      return { raw, messageId: built.messageId };
    },
  };
}

/** The real dependencies for a config (the event feed and the bus start later, with the database). */
export function createDefaultDeps(config: Config, logger: Logger, overrides: Partial<Deps> = {}): Omit<Deps, 'feed' | 'bus'> {
  const dns = overrides.dns ?? createDnsLookup(config.dnsServers);
  if (config.webhookAllowPrivate) logger.warn('MAILROOM_WEBHOOK_ALLOW_PRIVATE=true: webhooks may reach loopback and private addresses (development and tests only)');
  const timeoutMs = config.webhookTimeoutSeconds * 1000;
  return {
    clock: systemClock,
    dns,
    mailer: createMailer(config, dns, logger),
    logger,
    queue: createJobQueue(),
    nodeTypes: NODE_TYPES,
    renderer: overrides.renderer ?? createRenderPool(config.renderThreads),
    rateLimits: overrides.rateLimits ?? createRateLimits(rateRules(config)),
    metrics: overrides.metrics ?? createMetrics(),
    webhookSender:
      overrides.webhookSender ?? createWebhookSender(createWebhookDispatcher({ allowPrivate: config.webhookAllowPrivate, timeoutMs, connections: config.webhookEndpointConcurrency }), timeoutMs),
  };
}
