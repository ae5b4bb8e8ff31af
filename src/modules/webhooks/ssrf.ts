import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';

/** ipaddr.js ranges a webhook may reach: only the public internet. */
const PUBLIC_RANGES = new Set(['unicast']);

/** Addresses ipaddr.js calls unicast that are not public all the same (metadata, benchmarking, documentation). */
const EXTRA_BLOCKED: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [
  ipaddr.parseCIDR('100.64.0.0/10'),
  ipaddr.parseCIDR('169.254.0.0/16'),
  ipaddr.parseCIDR('192.0.0.0/24'),
  ipaddr.parseCIDR('198.18.0.0/15'),
  ipaddr.parseCIDR('fd00:ec2::/32'),
  ipaddr.parseCIDR('64:ff9b::/96'),
];

/**
 * Whether an IP address is one a webhook must never reach: loopback, private, link-local, CGNAT,
 * multicast, broadcast, unspecified, reserved, cloud metadata, unique-local — IPv4 and IPv6, with
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`) judged as the IPv4 address it maps. Unparseable: forbidden. Pure.
 */
export function isForbiddenAddress(address: string): boolean {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return true;
  }
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (!PUBLIC_RANGES.has(ip.range())) return true;
  return EXTRA_BLOCKED.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

/** The error of a refused address (the message names the host, never what it resolved to). */
export class ForbiddenAddressError extends Error {
  constructor(host: string) {
    super(`${host} resolves to an address webhooks may not reach (loopback, private, link-local or reserved)`);
    this.name = 'ForbiddenAddressError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A dns.lookup that drops forbidden addresses (and fails when none is left), for net.connect. */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const allowed = (addresses as LookupAddress[]).filter((a) => !isForbiddenAddress(a.address));
    if (allowed.length === 0) return callback(Object.assign(new ForbiddenAddressError(hostname), { code: 'EFORBIDDENADDRESS' }), []);
    if (options.all) return callback(null, allowed);
    callback(null, allowed[0].address, allowed[0].family);
  });
}

/**
 * An undici dispatcher for webhook requests. Unless `allowPrivate`, the host is resolved at connect
 * time through a lookup that drops forbidden addresses, and the socket's actual peer address is
 * checked again once connected (IP literals never go through a lookup) — so a name that resolves to a
 * private address, or rebinds after the URL was validated, is refused. `connections` bounds the
 * sockets per origin. Side effects: network.
 */
export function createWebhookDispatcher(opts: { allowPrivate: boolean; timeoutMs: number; connections: number }): Agent {
  const connector = buildConnector({ timeout: opts.timeoutMs, ...(opts.allowPrivate ? {} : { lookup: guardedLookup }) } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (options, callback) => {
    connector(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('connect failed'), null);
      const peer = (socket as Socket).remoteAddress;
      if (!opts.allowPrivate && (!peer || isForbiddenAddress(peer))) {
        socket.destroy();
        return callback(new ForbiddenAddressError(options.hostname), null);
      }
      callback(null, socket);
    });
  };
  return new Agent({ connect, connections: opts.connections, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs, keepAliveTimeout: 10_000 });
}

/** Whether a URL's host is an IP literal in a forbidden range (checked on save; the connect-time check is the guard). Pure. */
export function isForbiddenLiteral(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return isIP(host) !== 0 && isForbiddenAddress(host);
}
