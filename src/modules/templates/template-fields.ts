import { domainToASCII } from 'node:url';
import { badInput } from '../../graphql/errors';

/** Largest html or text body, in UTF-8 bytes. */
export const MAX_BODY_BYTES = 512 * 1024;
/** Most tags and most categories a template may have. */
export const MAX_LABELS = 10;

const TAG = /^[A-Za-z0-9_.:-]{1,50}$/;
// Printable ASCII without space and the specials of RFC 5322 that need quoting.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Validates an e-mail address (a simple RFC 5322 subset: dot-atom local part, a domain of at
 * least two labels) and returns it with the domain lower-cased and IDNs in punycode.
 * Throws BAD_USER_INPUT naming `field`.
 */
export function normalizeEmail(field: string, raw: string): string {
  const value = raw.trim();
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = at > 0 ? domainToASCII(value.slice(at + 1).replace(/\.$/, '')) : '';
  const labels = domain.split('.');
  const ok =
    at > 0 &&
    LOCAL_PART.test(local) &&
    !local.startsWith('.') &&
    !local.endsWith('.') &&
    !local.includes('..') &&
    domain.length > 0 &&
    domain.length <= 253 &&
    labels.length >= 2 &&
    labels.every((l) => LABEL.test(l)) &&
    !/^[0-9]+$/.test(labels[labels.length - 1]);
  if (!ok) throw badInput(field, `${field} is not a valid e-mail address`);
  const email = `${local}@${domain}`;
  if (email.length > 254) throw badInput(field, `${field} is too long`);
  return email;
}

/** Like normalizeEmail for optional inputs: null, undefined and blank stay empty (null). */
export function optionalEmail(field: string, raw: string | null | undefined): string | null {
  return raw === null || raw === undefined || raw.trim() === '' ? null : normalizeEmail(field, raw);
}

/** Trims a single-line text (a name or description); blank becomes null. Refuses control characters and over-long values. */
export function optionalLine(field: string, raw: string | null | undefined, max: number, multiline = false): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const value = raw.trim();
  const bad = multiline ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/ : CONTROL;
  if (bad.test(value)) throw badInput(field, `${field} must not contain control characters${multiline ? '' : ' or line breaks'}`);
  if (value.length > max) throw badInput(field, `${field} must be at most ${max} characters`);
  return value;
}

/** Validates a required single-line text of `min`–`max` characters, trimmed. */
export function requiredLine(field: string, raw: string, min: number, max: number): string {
  const value = optionalLine(field, raw, max);
  if (value === null || value.length < min) throw badInput(field, `${field} must be ${min}–${max} characters`);
  return value;
}

/** Validates a subject: 1–998 characters, no CR or LF (it becomes a header). Not trimmed. */
export function subjectLine(raw: string): string {
  if (/[\r\n]/.test(raw)) throw badInput('subject', 'subject must not contain line breaks');
  if (raw.trim().length < 1 || raw.length > 998) throw badInput('subject', 'subject must be 1–998 characters');
  return raw;
}

/** Validates an html or text body (at most 512 KiB of UTF-8); empty becomes null. */
export function body(field: 'html' | 'text', raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw badInput(field, `${field} must be at most 512 KiB`);
  return raw;
}

/** Validates tags: at most 10, each 1–50 of `A-Z a-z 0-9 _ - . :`; duplicates dropped, order kept. */
export function tagList(raw: readonly string[]): string[] {
  const tags = [...new Set(raw.map((t) => t.trim()))];
  if (tags.length > MAX_LABELS) throw badInput('tags', `at most ${MAX_LABELS} tags`);
  const bad = tags.find((t) => !TAG.test(t));
  if (bad !== undefined) throw badInput('tags', 'each tag must be 1–50 letters, digits, "_", "-", "." or ":"');
  return tags;
}

/** Validates categories: at most 10, each 1–50 characters on one line; duplicates dropped, order kept. */
export function categoryList(raw: readonly string[]): string[] {
  const categories = [...new Set(raw.map((c) => requiredLine('categories', c, 1, 50)))];
  if (categories.length > MAX_LABELS) throw badInput('categories', `at most ${MAX_LABELS} categories`);
  return categories;
}
