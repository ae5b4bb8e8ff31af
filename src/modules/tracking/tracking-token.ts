import { sign, verifySignature } from '../../lib/crypto';
import { isUuid } from '../../lib/ids';

/** What a tracking URL records: an open (the pixel) or a click (a rewritten link). */
export type TrackingKind = 'open' | 'click';

/** The signed content of a tracking URL. */
export interface TrackingClaims {
  /** The message's id (uuid). */
  messageId: string;
  kind: TrackingKind;
  /** The original URL, for clicks. */
  url?: string;
}

interface WirePayload {
  m: string;
  k: TrackingKind;
  u?: string;
}

const PURPOSE = 'tracking';
/** Longer tokens are refused before any work (a URL in a mail stays far below this). */
export const MAX_TOKEN_LENGTH = 8192;

/** True for an absolute http(s) URL, the only kind a click token may carry. */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Builds the token of a tracking URL: `<base64url JSON {m, k, u?}>.<HMAC>`. Pure. */
export function encodeTrackingToken(secret: Buffer, claims: TrackingClaims): string {
  const wire: WirePayload = { m: claims.messageId, k: claims.kind, ...(claims.url !== undefined ? { u: claims.url } : {}) };
  const payload = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  return `${payload}.${sign(secret, PURPOSE, payload)}`;
}

/**
 * Checks a tracking token's signature and shape; returns its claims, or null when it was forged,
 * altered, malformed or of another kind than `expected`. Pure.
 */
export function verifyTrackingToken(secret: Buffer, token: string, expected: TrackingKind): TrackingClaims | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || !verifySignature(secret, PURPOSE, payload, signature)) return null;
  let wire: Partial<WirePayload>;
  try {
    wire = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<WirePayload>;
  } catch {
    return null;
  }
  if (typeof wire !== 'object' || wire === null || typeof wire.m !== 'string' || !isUuid(wire.m) || wire.k !== expected) return null;
  if (expected === 'click') {
    if (typeof wire.u !== 'string' || !isHttpUrl(wire.u)) return null;
    return { messageId: wire.m, kind: 'click', url: wire.u };
  }
  return { messageId: wire.m, kind: 'open' };
}
