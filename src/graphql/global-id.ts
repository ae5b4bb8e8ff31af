import { isUuid } from '../lib/ids';
import { badInput } from './errors';

/** Opaque Relay id: base64url of `Type:uuid`. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/** Decodes a global id; null when malformed. */
export function parseGlobalId(gid: string): { type: string; id: string } | null {
  if (typeof gid !== 'string' || gid.length > 100 || !/^[A-Za-z0-9_-]+$/.test(gid)) return null;
  const raw = Buffer.from(gid, 'base64url').toString('utf8');
  const i = raw.indexOf(':');
  if (i <= 0) return null;
  const type = raw.slice(0, i);
  const id = raw.slice(i + 1);
  return /^[A-Za-z]+$/.test(type) && isUuid(id) ? { type, id } : null;
}

/** Decodes a global id of the expected type or throws BAD_USER_INPUT naming the field. */
export function fromGlobalId(gid: string, type: string, field: string): string {
  const parsed = parseGlobalId(gid);
  if (!parsed || parsed.type !== type) throw badInput(field, `${field} is not a valid ${type} id`);
  return parsed.id;
}

/** Like fromGlobalId, for optional inputs. */
export function fromOptionalGlobalId(gid: string | null | undefined, type: string, field: string): string | null {
  return gid === null || gid === undefined ? null : fromGlobalId(gid, type, field);
}
