import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(buf: Buffer): string {
  let n = BigInt('0x' + (buf.toString('hex') || '0'));
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

function checksum(body: string): string {
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc32(body) >>> 0);
  return base62(c).padStart(6, '0');
}

/** Token kinds and their fixed prefixes (recognisable by secret scanners). */
export const TOKEN_PREFIX = { api: 'mr_live_', session: 'mr_sess_', link: 'mr_link_' } as const;

/** Makes a new secret: prefix + base62 of 32 random bytes + a 6-character CRC32 checksum. */
export function generateSecret(kind: keyof typeof TOKEN_PREFIX): string {
  const body = base62(randomBytes(32)).padStart(43, '0');
  return `${TOKEN_PREFIX[kind]}${body}${checksum(TOKEN_PREFIX[kind] + body)}`;
}

/** True when the secret has a known prefix and a valid checksum (cheap check before any lookup). */
export function isWellFormedSecret(secret: string, kind: keyof typeof TOKEN_PREFIX): boolean {
  const prefix = TOKEN_PREFIX[kind];
  if (!secret.startsWith(prefix) || secret.length < prefix.length + 49 || secret.length > 120) return false;
  const body = secret.slice(prefix.length, -6);
  if (!/^[0-9A-Za-z]+$/.test(body)) return false;
  return checksum(prefix + body) === secret.slice(-6);
}
