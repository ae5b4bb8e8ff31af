import { Resolver } from 'node:dns/promises';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config';
import type { DnsLookup } from '../../context';
import { isIpHost, type MailHosts, mailHostsFor } from './mail-hosts';

/** How one SMTP hand-over ended: accepted (2xx), temporary (4xx, no connection) or permanent (5xx). */
export type SmtpOutcome = { kind: 'accepted' | 'temporary' | 'permanent'; response: string; host: string | null };

/** Hands a built message to the next hop. */
export interface Outbound {
  send(envelope: { from: string; to: string }, raw: string): Promise<SmtpOutcome>;
}

/** How long a mail host's idle connections are kept for the next message. */
const POOL_IDLE_MS = 5000;
/** How long a recipient domain's mail hosts are reused. */
const MX_CACHE_MS = 60_000;

interface SmtpError {
  responseCode?: number;
  response?: string;
  message: string;
}

function classify(e: unknown, host: string | null): SmtpOutcome {
  const err = e as SmtpError;
  const response = (err.response ?? err.message).slice(0, 2000);
  if (err.responseCode && err.responseCode >= 500) return { kind: 'permanent', response, host };
  return { kind: 'temporary', response, host };
}

function timeouts(config: Config) {
  const ms = config.smtpTimeoutSeconds * 1000;
  return { connectionTimeout: ms, greetingTimeout: ms, socketTimeout: ms };
}

/** Relay mode: everything goes to SMTP_URL, one pooled transport per process. */
function relayOutbound(config: Config): Outbound {
  const transport = nodemailer.createTransport({ url: config.smtpUrl!, pool: true, maxConnections: 4, ...timeouts(config) } as never);
  return {
    async send(envelope, raw) {
      try {
        const info = await transport.sendMail({ envelope, raw });
        return { kind: 'accepted', response: String(info.response ?? '250 OK'), host: null };
      } catch (e) {
        return classify(e, null);
      }
    },
  };
}

async function addressesOf(resolver: Resolver, host: string): Promise<string[]> {
  if (isIpHost(host)) return [host.replace(/^\[|\]$/g, '')];
  const v4 = await resolver.resolve4(host).catch(() => [] as string[]);
  return v4.length ? v4 : resolver.resolve6(host).catch(() => [] as string[]);
}

/** Pooled SMTP connections per mail host, reused across messages and closed after a short idle time. */
class HostPools {
  private readonly pools = new Map<string, { transport: Transporter; lastUsed: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly config: Config) {
    this.sweeper = setInterval(() => this.sweep(), POOL_IDLE_MS);
    this.sweeper.unref();
  }

  /** The pooled transport of one address (created on first use). */
  get(address: string, host: string): Transporter {
    const key = `${address}:${this.config.mxPort}`;
    let entry = this.pools.get(key);
    if (!entry) {
      const transport = nodemailer.createTransport({
        pool: true,
        maxConnections: this.config.workerConcurrency,
        maxMessages: 100,
        host: address,
        port: this.config.mxPort,
        name: this.config.mailDomain,
        secure: false,
        opportunisticTLS: true,
        ignoreTLS: false,
        // MTA-to-MTA TLS is opportunistic: an unverifiable certificate still beats plain text.
        tls: { rejectUnauthorized: false, ...(isIpHost(host) ? {} : { servername: host }) },
        ...timeouts(this.config),
      } as never);
      entry = { transport, lastUsed: Date.now() };
      this.pools.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.transport;
  }

  /** Drops a host's pool (after a connection failure, so the next attempt starts afresh). */
  drop(address: string): void {
    const key = `${address}:${this.config.mxPort}`;
    this.pools.get(key)?.transport.close();
    this.pools.delete(key);
  }

  private sweep(): void {
    const cutoff = Date.now() - POOL_IDLE_MS;
    for (const [key, entry] of this.pools) {
      if (entry.lastUsed < cutoff) {
        entry.transport.close();
        this.pools.delete(key);
      }
    }
  }
}

async function sendTo(pools: HostPools, address: string, host: string, envelope: { from: string; to: string }, raw: string): Promise<SmtpOutcome> {
  try {
    const info = await pools.get(address, host).sendMail({ envelope, raw });
    return { kind: 'accepted', response: String(info.response ?? '250 OK'), host };
  } catch (e) {
    if (!(e as SmtpError).responseCode) pools.drop(address);
    return classify(e, host);
  }
}

/**
 * Direct mode: looks up the recipient domain's mail hosts through `dns` (DNS_SERVERS) and delivers
 * to each in preference order on MX_PORT until one answers with 2xx or 5xx; 4xx and connection
 * failures move on to the next host and end as `temporary`. Host addresses are resolved through
 * DNS_SERVERS as well; connections to a host are pooled (one SMTP transaction per message).
 * Side effects: DNS and SMTP traffic.
 */
function directOutbound(config: Config, dns: DnsLookup): Outbound {
  const resolver = new Resolver({ timeout: 5000, tries: 2 });
  if (config.dnsServers.length) resolver.setServers([...config.dnsServers]);
  const pools = new HostPools(config);
  // Mail hosts per recipient domain for a minute (a lookup failure is not kept): most mail goes to few domains.
  const hostCache = new Map<string, { at: number; found: MailHosts }>();
  const hostsOf = async (domain: string): Promise<MailHosts> => {
    const hit = hostCache.get(domain);
    if (hit && Date.now() - hit.at < MX_CACHE_MS) return hit.found;
    const found = await mailHostsFor(dns, domain);
    if (hostCache.size >= 10_000) hostCache.clear();
    if (found.kind !== 'dns-failure') hostCache.set(domain, { at: Date.now(), found });
    return found;
  };
  return {
    async send(envelope, raw) {
      const domain = envelope.to.slice(envelope.to.lastIndexOf('@') + 1);
      const found = await hostsOf(domain);
      if (found.kind === 'none') return { kind: 'permanent', response: found.reason, host: null };
      if (found.kind === 'dns-failure') return { kind: 'temporary', response: found.reason, host: null };
      let last: SmtpOutcome = { kind: 'temporary', response: `No mail host of ${domain} could be reached`, host: null };
      for (const host of found.hosts) {
        const addresses = await addressesOf(resolver, host);
        if (!addresses.length) last = { kind: 'temporary', response: `No address found for mail host ${host}`, host };
        for (const address of addresses.slice(0, 2)) {
          const outcome = await sendTo(pools, address, host, envelope, raw);
          if (outcome.kind !== 'temporary') return outcome;
          last = outcome;
        }
      }
      return last;
    },
  };
}

/** Sandbox mode: nothing leaves the machine. */
const sandboxOutbound: Outbound = {
  async send() {
    return { kind: 'accepted', response: 'sandbox: stored, not sent', host: null };
  },
};

/** The outbound path for DELIVERY_MODE: sandbox (store only), relay (SMTP_URL) or direct (recipient MX). */
export function createOutbound(config: Config, dns: DnsLookup): Outbound {
  if (config.deliveryMode === 'relay') return relayOutbound(config);
  if (config.deliveryMode === 'direct') return directOutbound(config, dns);
  return sandboxOutbound;
}
