import { badInput } from '../../graphql/errors';
import type { EmailAddressInput, MessageHeaderInput, SendEmailInput } from '../sending/sending.inputs';
import { AttachmentDisposition } from '../attachments/attachment-disposition';
import type { AttachmentInput } from '../attachments/attachment.inputs';

/** A MailerSend `POST /v1/email` body translated: sendEmail's input, and MailerSend paths for fields the translation made up. */
export interface TranslatedEmail {
  input: SendEmailInput;
  /** Our field → MailerSend path, for errors on fields MailerSend names otherwise (`headers[2].value` → `in_reply_to`). */
  paths: Record<string, string>;
}

/** Fields of MailerSend's body that change who gets the mail or what it says, and that Mailroom does not do: refused, never dropped. */
const REFUSED: Record<string, string> = {
  rcpt_to: 'rcpt_to is not supported: list the recipients in to, cc and bcc',
  list_unsubscribe: 'list_unsubscribe is not supported: Mailroom adds its own List-Unsubscribe header',
};

/** Fields accepted and without effect (documented in README): tracking follows the domain's settings, `precedence_bulk` and `language` change nothing here. */
const IGNORED = new Set(['settings', 'precedence_bulk', 'language']);

const KNOWN = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply_to',
  'subject',
  'html',
  'text',
  'template_id',
  'tags',
  'personalization',
  'attachments',
  'send_at',
  'headers',
  'in_reply_to',
  'references',
  ...Object.keys(REFUSED),
  ...IGNORED,
]);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalString(body: Json, key: string, path = key): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw badInput(path, `The ${path} must be a string.`);
  return v;
}

function address(v: unknown, path: string): EmailAddressInput {
  if (!isObject(v)) throw badInput(path, `The ${path} must be an object with an email.`);
  if (typeof v.email !== 'string') throw badInput(`${path}.email`, `The ${path}.email field is required.`);
  if (v.name !== undefined && v.name !== null && typeof v.name !== 'string') throw badInput(`${path}.name`, `The ${path}.name must be a string.`);
  return { email: v.email, name: (v.name as string | null | undefined) ?? null };
}

function addresses(body: Json, key: 'to' | 'cc' | 'bcc'): EmailAddressInput[] | null {
  const v = body[key];
  if (v === undefined || v === null) return key === 'to' ? [] : null;
  if (!Array.isArray(v)) throw badInput(key, `The ${key} must be an array.`);
  return v.map((a, i) => address(a, `${key}.${i}`));
}

/** MailerSend's reply_to: one object (an array of one is taken too). */
function replyTo(v: unknown): EmailAddressInput | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) {
    if (v.length > 1) throw badInput('reply_to', 'The reply_to may name one address.');
    return v.length ? address(v[0], 'reply_to.0') : null;
  }
  return address(v, 'reply_to');
}

/** `send_at`: unix seconds (a number or a string of digits). */
function sendAt(v: unknown): Date | null {
  if (v === undefined || v === null || v === '') return null;
  const seconds = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(seconds) || seconds < 0) throw badInput('send_at', 'The send_at must be a unix timestamp in seconds.');
  return new Date(seconds * 1000);
}

function stringList(v: unknown, path: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.some((t) => typeof t !== 'string')) throw badInput(path, `The ${path} must be an array of strings.`);
  return v as string[];
}

function headers(body: Json, paths: Record<string, string>): MessageHeaderInput[] | null {
  const v = body.headers;
  if (v !== undefined && v !== null && !Array.isArray(v)) throw badInput('headers', 'The headers must be an array.');
  const out: MessageHeaderInput[] = ((v as unknown[] | undefined) ?? []).map((h, i) => {
    if (!isObject(h) || typeof h.name !== 'string' || typeof h.value !== 'string') throw badInput(`headers.${i}`, `The headers.${i} must have a name and a value.`);
    return { name: h.name, value: h.value };
  });
  const inReplyTo = optionalString(body, 'in_reply_to');
  if (inReplyTo !== null) {
    paths[`headers[${out.length}].name`] = paths[`headers[${out.length}].value`] = 'in_reply_to';
    out.push({ name: 'In-Reply-To', value: inReplyTo });
  }
  const references = stringList(body.references, 'references');
  if (references?.length) {
    paths[`headers[${out.length}].name`] = paths[`headers[${out.length}].value`] = 'references';
    out.push({ name: 'References', value: references.join(' ') });
  }
  return out.length ? out : null;
}

/**
 * MailerSend's per-recipient `personalization: [{ email, data }]` as sendEmail's one `variables` object:
 * the data of the entries naming a recipient of this email. One email renders once, so entries that
 * give several recipients different data are refused (send one email each, or a bulk email); without
 * a template there is nothing to render them into, so they are refused too.
 */
function variables(body: Json, input: SendEmailInput): Record<string, unknown> | null {
  const v = body.personalization;
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return null;
  if (!Array.isArray(v)) throw badInput('personalization', 'The personalization must be an array.');
  const entries = v.map((p, i) => {
    if (!isObject(p) || typeof p.email !== 'string') throw badInput(`personalization.${i}.email`, `The personalization.${i}.email field is required.`);
    if (!isObject(p.data)) throw badInput(`personalization.${i}.data`, `The personalization.${i}.data must be an object.`);
    return { email: p.email.trim().toLowerCase(), data: p.data };
  });
  if (!input.templateId) throw badInput('personalization', 'personalization needs a template_id: Mailroom renders variables in templates only.');
  const recipients = new Set([...input.to, ...(input.cc ?? []), ...(input.bcc ?? [])].map((a) => a.email.trim().toLowerCase()));
  const matched = entries.filter((e) => recipients.has(e.email));
  const distinct = new Set(matched.map((e) => JSON.stringify(e.data)));
  if (distinct.size > 1) {
    throw badInput('personalization', 'Different personalization for several recipients of one email is not supported: send one email per recipient, or use /v1/bulk-email.');
  }
  return matched[0]?.data ?? null;
}

/**
 * MailerSend's `attachments: [{ content, filename, disposition, id }]` as sendEmail's: content (base64)
 * and filename as given, `disposition` `attachment` (default) or `inline`, `id` the Content-ID an inline
 * image is referenced by (`cid:<id>`). The content type is sniffed and checked by sendEmail. Pure.
 */
export function attachmentsOf(v: unknown): AttachmentInput[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw badInput('attachments', 'The attachments must be an array.');
  return v.map((a: unknown, i) => {
    const at = `attachments[${i}]`;
    if (!isObject(a)) throw badInput(at, 'Each attachment must be an object with content and filename.');
    if (typeof a.content !== 'string') throw badInput(`${at}.content`, 'The content must be a base64 string.');
    if (typeof a.filename !== 'string') throw badInput(`${at}.filename`, 'The filename must be a string.');
    if (a.disposition !== undefined && a.disposition !== null && a.disposition !== 'attachment' && a.disposition !== 'inline') {
      throw badInput(`${at}.disposition`, 'The disposition must be attachment or inline.');
    }
    if (a.id !== undefined && a.id !== null && typeof a.id !== 'string') throw badInput(`${at}.id`, 'The id must be a string.');
    return {
      filename: a.filename,
      content: a.content,
      disposition: a.disposition === 'inline' ? AttachmentDisposition.INLINE : AttachmentDisposition.ATTACHMENT,
      contentId: typeof a.id === 'string' ? a.id : null,
    };
  });
}

/**
 * Translates a MailerSend `POST /v1/email` body into sendEmail's input, field by field: types are
 * checked here (422 naming the MailerSend path), everything else is left to sendEmail's own checks.
 * `Idempotency-Key` (a header) becomes idempotencyKey. Fields Mailroom does not do are refused or, when
 * they change neither recipients nor content, ignored (see README). Pure.
 */
export function toSendEmailInput(body: unknown, idempotencyKey: string | null): TranslatedEmail {
  if (!isObject(body)) throw badInput('body', 'The body must be a JSON object.');
  for (const key of Object.keys(body)) {
    if (REFUSED[key] && body[key] !== undefined && body[key] !== null) throw badInput(key, REFUSED[key]);
    if (!KNOWN.has(key)) throw badInput(key, `The ${key} field is not supported.`);
  }
  const paths: Record<string, string> = {};
  const input: SendEmailInput = {
    from: body.from === undefined || body.from === null ? null : address(body.from, 'from'),
    to: addresses(body, 'to')!,
    cc: addresses(body, 'cc'),
    bcc: addresses(body, 'bcc'),
    replyTo: replyTo(body.reply_to),
    subject: optionalString(body, 'subject'),
    html: optionalString(body, 'html'),
    text: optionalString(body, 'text'),
    templateId: optionalString(body, 'template_id'),
    tags: stringList(body.tags, 'tags'),
    headers: headers(body, paths),
    sendAt: sendAt(body.send_at),
    idempotencyKey,
  };
  input.attachments = attachmentsOf(body.attachments);
  input.variables = variables(body, input);
  return { input, paths };
}
