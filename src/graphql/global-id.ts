import { openInteger, sealInteger } from '../lib/crypto';
import { isUuid } from '../lib/ids';
import { badInput } from './errors';

/** Opaque Relay id: base64url of `Type:uuid`. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

const SEALED_KEY = /^[A-Za-z0-9_-]{22}$/;

/** Decodes a global id into its type and key (a uuid, or a sealed sequence number); null when malformed. */
export function parseGlobalId(gid: string): { type: string; id: string } | null {
  if (typeof gid !== 'string' || gid.length > 100 || !/^[A-Za-z0-9_-]+$/.test(gid)) return null;
  const raw = Buffer.from(gid, 'base64url').toString('utf8');
  const i = raw.indexOf(':');
  if (i <= 0) return null;
  const type = raw.slice(0, i);
  const id = raw.slice(i + 1);
  return /^[A-Za-z]+$/.test(type) && (isUuid(id) || SEALED_KEY.test(id)) ? { type, id } : null;
}

/** Decodes a global id of the expected (uuid-keyed) type or throws BAD_USER_INPUT naming the field. */
export function fromGlobalId(gid: string, type: string, field: string): string {
  const parsed = parseGlobalId(gid);
  if (!parsed || parsed.type !== type || !isUuid(parsed.id)) throw badInput(field, `${field} is not a valid ${type} id`);
  return parsed.id;
}

/** Like fromGlobalId, for optional inputs. */
export function fromOptionalGlobalId(gid: string | null | undefined, type: string, field: string): string | null {
  return gid === null || gid === undefined ? null : fromGlobalId(gid, type, field);
}

/**
 * Opaque Relay id of a row keyed by a global sequence number (events): the number sealed under a
 * key derived from the server secret for the type, bound to the row's account. Stable for the row,
 * and reveals nothing of the sequence (so nothing of other clients' rows between two of yours).
 */
export function toSealedGlobalId(secret: Buffer, type: string, accountId: string, seq: string): string {
  return toGlobalId(type, sealInteger(secret, `gid:${type}`, accountId, BigInt(seq)));
}

/** The sequence number in a sealed global id of `type` for `accountId`; null when malformed, tampered with, or of another type or account. */
export function openSealedGlobalId(secret: Buffer, gid: string, type: string, accountId: string): string | null {
  const parsed = parseGlobalId(gid);
  if (!parsed || parsed.type !== type || !SEALED_KEY.test(parsed.id)) return null;
  return openInteger(secret, `gid:${type}`, accountId, parsed.id)?.toString() ?? null;
}
