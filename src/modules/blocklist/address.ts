import { isIPv4, isIPv6 } from 'node:net';
import { registerEnumType } from 'type-graphql';
import { badInput } from '../../graphql/errors';
import { normalizeDomainName } from '../domains/domain-name';

/** What a monitor watches. */
export enum BlocklistAddressKind {
  DOMAIN = 'DOMAIN',
  IPV4 = 'IPV4',
  IPV6 = 'IPV6',
  CIDR = 'CIDR',
}
registerEnumType(BlocklistAddressKind, {
  name: 'BlocklistAddressKind',
  description: 'A sending domain, one IPv4 or IPv6 address, or a CIDR range (up to /24 for IPv4, /120 for IPv6).',
  valuesConfig: {
    DOMAIN: { description: 'A sending domain (checked in the domain zones).' },
    IPV4: { description: 'One IPv4 address.' },
    IPV6: { description: 'One IPv6 address.' },
    CIDR: { description: 'A range of addresses (up to /24 for IPv4, /120 for IPv6), each checked.' },
  },
});

/** The widest ranges a monitor may watch (each address of the range is looked up in every IP zone). */
export const CIDR_LIMITS = { v4: 24, v6: 120 };

/** A monitor's address, normalised. */
export interface MonitorAddress {
  kind: BlocklistAddressKind;
  /** The canonical text: `example.com`, `192.0.2.1`, `2001:db8::1`, `192.0.2.0/24`. */
  address: string;
}

/** The 32 hex nibbles of an IPv6 address (valid input assumed). Pure. */
export function ipv6Nibbles(ip: string): string {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, null];
  const part = (s: string | null) => (s ? s.split(':') : []);
  let groups = [...part(head)];
  let rest = part(tail);
  // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups.
  const lastOf = (g: string[]) => g.at(-1) ?? '';
  const fixV4 = (g: string[]) => {
    const last = lastOf(g);
    if (!isIPv4(last)) return g;
    const o = last.split('.').map(Number);
    return [...g.slice(0, -1), ((o[0] << 8) | o[1]).toString(16), ((o[2] << 8) | o[3]).toString(16)];
  };
  if (tail === null) groups = fixV4(groups);
  else rest = fixV4(rest);
  const fill = tail === null ? [] : Array<string>(8 - groups.length - rest.length).fill('0');
  return [...groups, ...fill, ...rest]
    .map((g) => g.padStart(4, '0'))
    .join('')
    .toLowerCase();
}

function v6FromBigInt(n: bigint): string {
  const hex = n.toString(16).padStart(32, '0');
  const groups = hex.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  // Canonical (RFC 5952) form: the longest run of zero groups (2 or more) becomes ::.
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

function v6ToBigInt(ip: string): bigint {
  return BigInt(`0x${ipv6Nibbles(ip)}`);
}

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function v4FromInt(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Whether an IPv4 literal is written plainly (no leading zeros, which some parsers read as octal). */
function plainV4(ip: string): boolean {
  return isIPv4(ip) && ip.split('.').every((o) => o === '0' || !o.startsWith('0'));
}

function parseCidr(raw: string, field: string): MonitorAddress {
  const [ip, bits, ...rest] = raw.split('/');
  const prefix = /^\d{1,3}$/.test(bits ?? '') ? Number(bits) : NaN;
  if (rest.length || Number.isNaN(prefix)) throw badInput(field, `${field} is not a valid CIDR range (like 192.0.2.0/24)`);
  if (plainV4(ip)) {
    if (prefix > 32) throw badInput(field, `${field} has a prefix longer than /32`);
    if (prefix < CIDR_LIMITS.v4) throw badInput(field, `${field} is too wide: IPv4 ranges may be at most /${CIDR_LIMITS.v4} (256 addresses)`);
    const size = 2 ** (32 - prefix);
    const base = v4ToInt(ip) - (v4ToInt(ip) % size);
    return { kind: BlocklistAddressKind.CIDR, address: `${v4FromInt(base)}/${prefix}` };
  }
  if (isIPv6(ip)) {
    if (prefix > 128) throw badInput(field, `${field} has a prefix longer than /128`);
    if (prefix < CIDR_LIMITS.v6) throw badInput(field, `${field} is too wide: IPv6 ranges may be at most /${CIDR_LIMITS.v6} (256 addresses)`);
    const size = 1n << BigInt(128 - prefix);
    const n = v6ToBigInt(ip);
    return { kind: BlocklistAddressKind.CIDR, address: `${v6FromBigInt(n - (n % size))}/${prefix}` };
  }
  throw badInput(field, `${field} is not a valid CIDR range (like 192.0.2.0/24 or 2001:db8::/120)`);
}

/**
 * Parses what a monitor watches: a domain name (normalised, punycode), an IPv4 or IPv6 address
 * (canonical form), or a CIDR range (aligned to its prefix; at most /24 for IPv4 and /120 for IPv6).
 * Throws BAD_USER_INPUT naming `field` otherwise. Pure.
 */
export function parseMonitorAddress(raw: string, field = 'address'): MonitorAddress {
  const value = raw.trim().toLowerCase();
  if (value === '') throw badInput(field, `${field} must not be empty`);
  if (value.length > 253) throw badInput(field, `${field} must be at most 253 characters`);
  if (value.includes('/')) return parseCidr(value, field);
  if (plainV4(value)) return { kind: BlocklistAddressKind.IPV4, address: value };
  if (isIPv6(value)) return { kind: BlocklistAddressKind.IPV6, address: v6FromBigInt(v6ToBigInt(value)) };
  if (/^[0-9.]+$/.test(value)) throw badInput(field, `${field} is not a valid IPv4 address`);
  if (value.includes(':')) throw badInput(field, `${field} is not a valid IPv6 address`);
  return { kind: BlocklistAddressKind.DOMAIN, address: normalizeDomainName(value, field) };
}

/** The single addresses (or the domain) a monitor's address stands for: a range expanded to each address in it. Pure. */
export function expandAddress(a: MonitorAddress): string[] {
  if (a.kind !== BlocklistAddressKind.CIDR) return [a.address];
  const [ip, bits] = a.address.split('/');
  const prefix = Number(bits);
  if (isIPv4(ip)) {
    const base = v4ToInt(ip);
    return Array.from({ length: 2 ** (32 - prefix) }, (_, i) => v4FromInt(base + i));
  }
  const base = v6ToBigInt(ip);
  return Array.from({ length: 2 ** (128 - prefix) }, (_, i) => v6FromBigInt(base + BigInt(i)));
}

/** Whether a single address (from expandAddress) is a domain name rather than an IP. Pure. */
export function isDomainTarget(target: string): boolean {
  return !isIPv4(target) && !isIPv6(target);
}

/**
 * The RFC 5782 query name of `target` in `zone`: reversed octets for IPv4, reversed nibbles for
 * IPv6, the name itself for domains. Pure.
 */
export function queryName(target: string, zone: string): string {
  if (isIPv4(target)) return `${target.split('.').reverse().join('.')}.${zone}`;
  if (isIPv6(target)) return `${ipv6Nibbles(target).split('').reverse().join('.')}.${zone}`;
  return `${target}.${zone}`;
}
