import { badInput } from '../../graphql/errors';
import { fromOptionalGlobalId } from '../../graphql/global-id';
import { sha256 } from '../../lib/crypto';
import { type AttachmentSource, DEFAULT_MAX_ATTACHMENT_BYTES, type ParsedAttachment, parseAttachments } from '../attachments/attachment-parse';
import { optionalDisplayName, requireEmail } from '../mail/address';
import { body, subjectLine } from '../templates/template-fields';
import { SEND_LIMITS, type EmailAddressInput, type MessageHeaderInput, type SendBulkEmailInput, type SendEmailInput } from './sending.inputs';

/** A validated address. */
export interface Address {
  email: string;
  name: string | null;
}

/** One recipient of a request and how it was addressed. */
export interface Recipient extends Address {
  kind: 'to' | 'cc' | 'bcc';
}

/** A send request after validation: addresses normalised, ids decoded, limits checked. */
export interface SendRequest {
  from: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  templateId: string | null;
  variables: Record<string, unknown> | null;
  tags: string[];
  headers: Record<string, string>;
  /** Checked attachments (none: the template's, if it has any). */
  attachments: ParsedAttachment[];
  sendAt: Date | null;
  idempotencyKey: string | null;
}

const TAG = /^[A-Za-z0-9_.:-]{1,50}$/;
const HEADER_NAME = /^[A-Za-z0-9-]{1,76}$/;
const THREAD_HEADERS = ['in-reply-to', 'references'];
const MAX_VARIABLES_BYTES = 64 * 1024;
const MAX_SCHEDULE_MS = 30 * 86400_000;

function address(field: string, input: EmailAddressInput): Address {
  return { email: requireEmail(`${field}.email`, input.email), name: optionalDisplayName(`${field}.name`, input.name, SEND_LIMITS.name) };
}

function addressList(field: 'to' | 'cc' | 'bcc', list: readonly EmailAddressInput[] | null | undefined, min: number): Address[] {
  const items = list ?? [];
  const max = SEND_LIMITS[field];
  if (items.length < min || items.length > max) throw badInput(field, `${field} must have ${min}–${max} addresses`);
  return items.map((a, i) => address(`${field}[${i}]`, a));
}

/** Validates tags: at most 5, each 1–50 of `A-Z a-z 0-9 _ - . :`; duplicates dropped, order kept. */
export function sendTags(raw: readonly string[] | null | undefined): string[] {
  const tags = [...new Set((raw ?? []).map((t) => t.trim()))];
  if (tags.length > SEND_LIMITS.tags) throw badInput('tags', `at most ${SEND_LIMITS.tags} tags`);
  if (tags.some((t) => !TAG.test(t))) throw badInput('tags', 'each tag must be 1–50 letters, digits, "_", "-", "." or ":"');
  return tags;
}

/** True when a custom header name is on the allow-list: `X-…` but not `X-Mailroom-…`, `In-Reply-To`, `References`. */
export function isAllowedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  if (!HEADER_NAME.test(name)) return false;
  if (THREAD_HEADERS.includes(lower)) return true;
  return lower.startsWith('x-') && lower.length > 2 && !lower.startsWith('x-mailroom-');
}

/** Validates custom headers against the allow-list; BAD_USER_INPUT naming `headers` otherwise. */
export function customHeaders(raw: readonly MessageHeaderInput[] | null | undefined): Record<string, string> {
  const items = raw ?? [];
  if (items.length > SEND_LIMITS.headers) throw badInput('headers', `at most ${SEND_LIMITS.headers} headers`);
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  items.forEach((h, i) => {
    const name = h.name.trim();
    if (!isAllowedHeader(name)) throw badInput(`headers[${i}].name`, `Header "${name.slice(0, 80)}" is not allowed: use X-… (not X-Mailroom-…), In-Reply-To or References`);
    if (seen.has(name.toLowerCase())) throw badInput(`headers[${i}].name`, `Header "${name}" is given twice`);
    seen.add(name.toLowerCase());
    const value = h.value.trim();
    if (/[\u0000-\u001f\u007f]/.test(value)) throw badInput(`headers[${i}].value`, 'Header values must be one line without control characters');
    if (value.length === 0 || value.length > SEND_LIMITS.headerValue) throw badInput(`headers[${i}].value`, `Header values must be 1–${SEND_LIMITS.headerValue} characters`);
    out[name] = value;
  });
  return out;
}

function variables(raw: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (raw === null || raw === undefined) return null;
  if (Buffer.byteLength(JSON.stringify(raw), 'utf8') > MAX_VARIABLES_BYTES) throw badInput('variables', 'variables must be at most 64 KiB of JSON');
  return raw;
}

function schedule(raw: Date | null | undefined, now: Date): Date | null {
  if (raw === null || raw === undefined) return null;
  if (raw.getTime() <= now.getTime()) return null;
  if (raw.getTime() - now.getTime() > MAX_SCHEDULE_MS) throw badInput('sendAt', 'sendAt must be at most 30 days ahead');
  return raw;
}

/** Validates an idempotency key (1–200 printable characters; none gives null); BAD_USER_INPUT naming `idempotencyKey` otherwise. Pure. */
export function idempotencyKeyOf(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw.length < 1 || raw.length > SEND_LIMITS.idempotencyKey || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw badInput('idempotencyKey', `idempotencyKey must be 1–${SEND_LIMITS.idempotencyKey} printable characters`);
  }
  return raw;
}

function content(input: SendEmailInput, templateId: string | null) {
  const subject = input.subject === null || input.subject === undefined ? null : subjectLine(input.subject);
  const html = body('html', input.html);
  const text = body('text', input.text);
  if (templateId) {
    const mixed = subject !== null ? 'subject' : html !== null ? 'html' : text !== null ? 'text' : null;
    if (mixed) throw badInput(mixed, `Give either templateId or ${mixed}, not both`);
  } else {
    if (subject === null) throw badInput('subject', 'subject is required without a template');
    if (html === null && text === null) throw badInput('html', 'Give html, text, or a templateId');
  }
  return { subject, html, text };
}

/** Validates and normalises a send request (pure apart from hashing attachments; BAD_USER_INPUT naming the field on the first problem). */
export function parseSendRequest(input: SendEmailInput, now: Date, maxAttachmentBytes = DEFAULT_MAX_ATTACHMENT_BYTES): SendRequest {
  const templateId = fromOptionalGlobalId(input.templateId, 'Template', 'templateId');
  const from = input.from ? address('from', input.from) : null;
  if (!from && !templateId) throw badInput('from.email', 'from is required');
  return {
    from,
    to: addressList('to', input.to, 1),
    cc: addressList('cc', input.cc, 0),
    bcc: addressList('bcc', input.bcc, 0),
    replyTo: input.replyTo ? address('replyTo', input.replyTo) : null,
    ...content(input, templateId),
    templateId,
    variables: variables(input.variables),
    tags: sendTags(input.tags),
    headers: customHeaders(input.headers),
    attachments: parseAttachments(input.attachments as AttachmentSource[] | null | undefined, maxAttachmentBytes),
    sendAt: schedule(input.sendAt, now),
    idempotencyKey: idempotencyKeyOf(input.idempotencyKey),
  };
}

/** Every recipient once (To first, then Cc, then Bcc; an address listed twice keeps its first place). */
export function recipientsOf(req: SendRequest): Recipient[] {
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const kind of ['to', 'cc', 'bcc'] as const) {
    for (const a of req[kind]) {
      if (seen.has(a.email)) continue;
      seen.add(a.email);
      out.push({ ...a, kind });
    }
  }
  return out;
}

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined && v !== null) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}

/**
 * SHA-256 of the canonical JSON of a request body (keys sorted; null and omitted fields alike). Attachments
 * count by their checked name, type, place and bytes' hash, so a stored bulk request hashes as it was sent.
 */
export function requestHash(input: SendEmailInput, attachments: readonly ParsedAttachment[] = []): string {
  const files = filesOf(attachments);
  return sha256(JSON.stringify(canonical({ ...input, attachments: files.length ? files : null })));
}

const filesOf = (attachments: readonly ParsedAttachment[]) =>
  attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, disposition: a.disposition, contentId: a.contentId, sha256: a.sha256 }));

/**
 * SHA-256 of a bulk send's canonical JSON: its requests as given (their own files' content included), its
 * shared files by their checked name, type, place and hash; its own key left out. Marked as a bulk send's,
 * so it never equals a sendEmail body's hash.
 */
export function bulkRequestHash(input: SendBulkEmailInput, shared: readonly ParsedAttachment[]): string {
  const files = filesOf(shared);
  return sha256(JSON.stringify(canonical({ bulk: input.requests, attachments: files.length ? files : null })));
}
