import { domainToASCII } from 'node:url';
import { badInput } from '../../graphql/errors';

/** The outcome of parsing an address: the normalised form or why it was refused. */
export type ParsedAddress = { ok: true; email: string; localPart: string; domain: string } | { ok: false; reason: string };

/** RFC 5321 limits: a path holds at most 256 octets including `<>`, a local part at most 64. */
export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 253;

// Dot-atom local part (RFC 5322 §3.2.3), ASCII only: quoted strings and comments are refused.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Any control character (C0, DEL, C1) and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Validates and normalises a bare e-mail address (no display name): trims, lower-cases the local
 * part and the domain, converts an IDN domain to punycode. Pure; never throws.
 */
export function parseEmailAddress(raw: string): ParsedAddress {
  if (typeof raw !== 'string') return { ok: false, reason: 'must be a string' };
  const value = raw.trim();
  if (value === '') return { ok: false, reason: 'must not be empty' };
  if (CONTROL.test(value)) return { ok: false, reason: 'must not contain line breaks or control characters' };
  if (value.length > MAX_EMAIL_LENGTH) return { ok: false, reason: `must be at most ${MAX_EMAIL_LENGTH} characters` };
  if (/[<>"(),;:\\\s[\]]/.test(value)) return { ok: false, reason: 'must be a bare address like name@example.com, without a display name' };
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || value.indexOf('@') !== at) return { ok: false, reason: 'must be a single address like name@example.com' };
  const localPart = value.slice(0, at).toLowerCase();
  if (localPart.length > MAX_LOCAL_LENGTH) return { ok: false, reason: `must have at most ${MAX_LOCAL_LENGTH} characters before the @` };
  if (!LOCAL_PART.test(localPart)) return { ok: false, reason: 'has an invalid part before the @' };
  const domain = normaliseDomain(value.slice(at + 1));
  if (!domain) return { ok: false, reason: 'has an invalid domain' };
  const email = `${localPart}@${domain}`;
  if (email.length > MAX_EMAIL_LENGTH) return { ok: false, reason: `must be at most ${MAX_EMAIL_LENGTH} characters` };
  return { ok: true, email, localPart, domain };
}

/** Lower-cases a host name and converts it to punycode; null when it is not a valid public host name. */
export function normaliseDomain(raw: string): string | null {
  if (raw === '' || raw.endsWith('.')) return null;
  const ascii = domainToASCII(raw.toLowerCase());
  if (!ascii || ascii.length > MAX_DOMAIN_LENGTH) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  // A numeric top-level label means an IP address, not a mail domain.
  if (/^[0-9]+$/.test(labels.at(-1)!)) return null;
  return ascii;
}

/** Normalises an address input or throws BAD_USER_INPUT naming `field`. */
export function requireEmail(field: string, raw: string): string {
  const parsed = parseEmailAddress(raw);
  if (!parsed.ok) throw badInput(field, `${field} ${parsed.reason}`);
  return parsed.email;
}

/** Like requireEmail for an optional input: null, undefined and blank give null. */
export function optionalEmail(field: string, raw: string | null | undefined): string | null {
  return raw === null || raw === undefined || raw.trim() === '' ? null : requireEmail(field, raw);
}

/**
 * Normalises a display name or free text for a header (trimmed; blank gives null) or throws
 * BAD_USER_INPUT naming `field` when it has control characters or is longer than `max`.
 */
export function optionalDisplayName(field: string, raw: string | null | undefined, max: number): string | null {
  if (raw === null || raw === undefined) return null;
  const value = raw.trim();
  if (value === '') return null;
  if (CONTROL.test(value)) throw badInput(field, `${field} must not contain line breaks or control characters`);
  if (value.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return value;
}

/**
 * Normalises multi-line free text (trimmed; blank gives null) or throws BAD_USER_INPUT naming
 * `field` when it is longer than `max` or holds control characters other than tab and line breaks.
 */
export function optionalText(field: string, raw: string | null | undefined, max: number): string | null {
  if (raw === null || raw === undefined) return null;
  const value = raw.replace(/\r\n?/g, '\n').trim();
  if (value === '') return null;
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) throw badInput(field, `${field} must not contain control characters`);
  if (value.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return value;
}
