import { domainToASCII } from 'node:url';
import { parseEmailAddress } from '../mail/address';

/** A blocklist entry as stored: an address, or a pattern with its SQL LIKE form. */
export type BlockEntry = { ok: true; recipient: string; pattern: null; like: null } | { ok: true; recipient: null; pattern: string; like: string } | { ok: false; reason: string };

const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;
const HOST = /^[a-z0-9*.-]{1,253}$/;

/** Escapes LIKE's own metacharacters (`\`, `%`, `_`) so only `*` becomes a wildcard. Pure. */
export function globToLike(glob: string): string {
  return glob.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*+/g, '%');
}

function asciiHost(host: string): string | null {
  // Labels without a wildcard go to punycode; wildcards stay as they are.
  const labels = host.split('.').map((l) => (l.includes('*') || l === '' ? l : domainToASCII(l)));
  return labels.every((l) => l !== '') ? labels.join('.') : null;
}

/**
 * Parses a blocklist entry: an address (`jane@example.com`, normalised), a whole domain
 * (`@example.com`), or a glob with `*` only (`*@example.com`, `info@*`, `*+test@*`). Patterns are
 * never regular expressions: they become SQL LIKE patterns with `%`, `_` and `\` escaped. A pattern
 * that matches every address (`*@*`) is refused. Pure; never throws.
 */
export function parseBlockEntry(raw: string): BlockEntry {
  if (typeof raw !== 'string') return { ok: false, reason: 'must be a string' };
  const value = raw.trim().toLowerCase();
  if (value.length === 0 || value.length > 254) return { ok: false, reason: 'must be 1–254 characters' };
  if (!value.includes('*') && !value.startsWith('@')) {
    const parsed = parseEmailAddress(value);
    return parsed.ok ? { ok: true, recipient: parsed.email, pattern: null, like: null } : { ok: false, reason: parsed.reason };
  }
  const at = value.indexOf('@');
  if (at < 0 || value.lastIndexOf('@') !== at) return { ok: false, reason: 'must have exactly one @, like *@example.com, info@* or @example.com' };
  const local = value.slice(0, at);
  const host = value.slice(at + 1);
  if (local !== '' && !LOCAL.test(local)) return { ok: false, reason: 'has an invalid part before the @' };
  if (local === '' && host.includes('*')) return { ok: false, reason: 'a whole-domain entry (@example.com) takes no *' };
  const ascii = asciiHost(host);
  if (!ascii || !HOST.test(ascii) || ascii.startsWith('.') || ascii.endsWith('.') || ascii.includes('..')) return { ok: false, reason: 'has an invalid domain part' };
  const pattern = `${local}@${ascii}`.replace(/\*+/g, '*');
  if (!/[a-z0-9]/.test(pattern)) return { ok: false, reason: 'matches (nearly) every address: name a letter or digit' };
  const like = local === '' ? `%${globToLike(pattern)}` : globToLike(pattern);
  return { ok: true, recipient: null, pattern, like };
}
