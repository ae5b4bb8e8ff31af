import { badInput } from '../../graphql/errors';
import { optionalDisplayName } from '../mail/address';

/** Largest html or text body, in UTF-8 bytes. */
export const MAX_BODY_BYTES = 512 * 1024;
/** Most tags and most categories a template may have. */
export const MAX_LABELS = 10;

const TAG = /^[A-Za-z0-9_.:-]{1,50}$/;

/** Validates a required single-line text of `min`–`max` characters, trimmed. */
export function requiredLine(field: string, raw: string, min: number, max: number): string {
  const value = optionalDisplayName(field, raw, max);
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
