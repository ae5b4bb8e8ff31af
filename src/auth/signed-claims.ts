import { sign, verifySignature } from '../lib/crypto';
import { isUuid } from '../lib/ids';

/** What every signed link carries: its account and its expiry, beside the claims of its kind. */
export interface OpenedClaims {
  accountId: string;
  expiresAt: Date;
  /** The link's own fields, not yet checked: each kind reads and validates them itself. */
  raw: Record<string, unknown>;
}

/**
 * Signs a link's claims into a URL-safe token: base64url(JSON) + '.' + HMAC signature under a key bound
 * to `purpose`, so a token of one kind never opens another. `a` is the account, `e` the expiry.
 */
export function signClaims(secret: Buffer, purpose: string, accountId: string, expiresAt: Date, claims: Record<string, unknown>): string {
  const payload = Buffer.from(JSON.stringify({ ...claims, a: accountId, e: Math.floor(expiresAt.getTime() / 1000) })).toString('base64url');
  return `${payload}.${sign(secret, purpose, payload)}`;
}

/**
 * Opens a token made by `signClaims` for `purpose`: null when it is malformed (or longer than
 * `maxPayload` characters), its signature does not verify, or it expired at `now`. Pure.
 */
export function openClaims(secret: Buffer, purpose: string, token: string, now: Date, maxPayload: number): OpenedClaims | null {
  const parts = token.split('.');
  if (parts.length !== 2 || parts[0].length > maxPayload || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^[A-Za-z0-9_-]{1,100}$/.test(parts[1])) return null;
  if (!verifySignature(secret, purpose, parts[0], parts[1])) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== 'object') return null;
  const { a, e } = raw;
  if (typeof a !== 'string' || !isUuid(a) || typeof e !== 'number' || e * 1000 <= now.getTime()) return null;
  return { accountId: a, expiresAt: new Date(e * 1000), raw };
}
