import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/** SHA-256 of a string, hex. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function digestEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

// Derived keys by master secret and purpose: purposes are a small fixed set, and sealing an id per
// exported row must not pay an extra HMAC each time.
const derived = new WeakMap<Buffer, Map<string, Buffer>>();

function deriveKey(master: Buffer, purpose: string): Buffer {
  let keys = derived.get(master);
  if (!keys) derived.set(master, (keys = new Map()));
  let key = keys.get(purpose);
  if (!key) keys.set(purpose, (key = createHmac('sha256', master).update(`mailroom:${purpose}`).digest()));
  return key;
}

/** Encrypts with AES-256-GCM under a key derived from the master secret; returns `v1.<iv>.<tag>.<data>` base64url. */
export function encrypt(master: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(master, 'at-rest'), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** Reverses `encrypt`; throws when the data was tampered with or the key differs. */
export function decrypt(master: Buffer, sealed: string): string {
  const [v, iv, tag, data] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('unsupported sealed value');
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(master, 'at-rest'), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

const MAX_SEALED = (1n << 63n) - 1n;
const SEALED_RE = /^[A-Za-z0-9_-]{22}$/;

function sealTag(master: Buffer, purpose: string, context: string, value: Buffer): Buffer {
  return createHmac('sha256', deriveKey(master, `seal-mac:${purpose}`))
    .update(context)
    .update('\0')
    .update(value)
    .digest()
    .subarray(0, 8);
}

/**
 * Seals a positive 63-bit integer (a bigint column's value) as an opaque 22-character base64url
 * string: one AES-256 block holding the number and a 64-bit HMAC tag over (context, number), under
 * keys derived for `purpose`. Deterministic (the same input always gives the same output), so
 * it can serve as a stable public id or cursor; reveals nothing of the number or its order.
 */
export function sealInteger(master: Buffer, purpose: string, context: string, value: bigint): string {
  if (value < 1n || value > MAX_SEALED) throw new RangeError('sealInteger: value out of range');
  const n = Buffer.alloc(8);
  n.writeBigUInt64BE(value);
  const cipher = createCipheriv('aes-256-ecb', deriveKey(master, `seal-enc:${purpose}`), null).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([n, sealTag(master, purpose, context, n)])), cipher.final()]).toString('base64url');
}

/** Reverses `sealInteger` for the same purpose and context; null when malformed, tampered with, or sealed for another purpose or context. */
export function openInteger(master: Buffer, purpose: string, context: string, sealed: string): bigint | null {
  if (typeof sealed !== 'string' || !SEALED_RE.test(sealed)) return null;
  const data = Buffer.from(sealed, 'base64url');
  // Only the canonical encoding (22 characters carry 132 bits; the last 4 must be zero).
  if (data.length !== 16 || data.toString('base64url') !== sealed) return null;
  const decipher = createDecipheriv('aes-256-ecb', deriveKey(master, `seal-enc:${purpose}`), null).setAutoPadding(false);
  const block = Buffer.concat([decipher.update(data), decipher.final()]);
  const n = block.subarray(0, 8);
  if (!timingSafeEqual(block.subarray(8), sealTag(master, purpose, context, n))) return null;
  const value = n.readBigUInt64BE();
  return value >= 1n && value <= MAX_SEALED ? value : null;
}

/** HMAC-SHA256 signature (base64url) of a string under a purpose-bound key derived from the master secret. */
export function sign(master: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', deriveKey(master, purpose)).update(value).digest('base64url');
}

/** Constant-time check of a `sign` signature. */
export function verifySignature(master: Buffer, purpose: string, value: string, signature: string): boolean {
  const expected = Buffer.from(sign(master, purpose, value));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** Hashes a password with scrypt; returns `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Verifies a password against `hashPassword` output in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return timingSafeEqual(expected, actual);
}
