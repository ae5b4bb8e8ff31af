import type { AddressObject, Attachment, ParsedMail } from 'mailparser';
import type { ErrorCode } from '../../graphql/errors';
import { AttachmentDisposition } from '../attachments/attachment-disposition';
import type { DecodedAttachment } from '../attachments/attachment-parse';
import { EXTENSION_TYPES } from '../attachments/file-names';
import { isAllowedHeader } from '../sending/send-request';
import { type EmailAddressInput, type MessageHeaderInput, SEND_LIMITS, type SendEmailInput } from '../sending/sending.inputs';

/** A refusal of a submitted message, with its SMTP reply code and enhanced status text, and the GraphQL error code behind it (for the request log). */
export class SmtpRefusal extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
    readonly code: ErrorCode = 'BAD_USER_INPUT',
  ) {
    super(message);
  }
}

const TAGS_HEADER = 'x-mailroom-tags';
const SEND_AT_HEADER = 'x-mailroom-send-at';

function addresses(field: AddressObject | AddressObject[] | undefined): EmailAddressInput[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((o) => o.value).flatMap((a) => (a.address ? [{ email: a.address.toLowerCase(), name: a.name || null }] : []));
}

/**
 * The custom headers sendEmail takes, as far as its allow-list and limits go (`X-…` except `X-Mailroom-…`,
 * In-Reply-To, References; one of each, one line, up to 998 characters, at most 20): mail clients add
 * headers of their own (X-Mailer, X-MS-…), so what does not fit is dropped rather than refused.
 */
function passedHeaders(mail: ParsedMail): MessageHeaderInput[] {
  const out: MessageHeaderInput[] = [];
  const seen = new Set<string>();
  for (const { key, line } of mail.headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const fits = value.length > 0 && value.length <= SEND_LIMITS.headerValue && !/[\u0000-\u001f\u007f]/.test(value);
    if (!isAllowedHeader(name) || seen.has(key) || !fits || out.length >= SEND_LIMITS.headers) continue;
    seen.add(key);
    out.push({ name, value });
  }
  return out;
}

function headerText(mail: ParsedMail, name: string): string | null {
  const line = mail.headerLines.find((h) => h.key === name)?.line;
  return line
    ? line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim()
    : null;
}

function tagsOf(mail: ParsedMail): string[] | null {
  const raw = headerText(mail, TAGS_HEADER);
  if (raw === null) return null;
  return raw
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

function sendAtOf(mail: ParsedMail): Date | null {
  const raw = headerText(mail, SEND_AT_HEADER);
  if (raw === null) return null;
  const at = /^\d+$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
  if (Number.isNaN(at.getTime())) throw new SmtpRefusal(550, '5.6.0 X-Mailroom-Send-At must be an ISO 8601 time or Unix seconds');
  return at;
}

const EXTENSION_OF = new Map(Object.entries(EXTENSION_TYPES).map(([ext, type]) => [type, ext]));

/** A part's name, or one made from its place and type (`attachment-2.pdf`) when it has none. */
function fileNameOf(a: Attachment, index: number): string {
  if (a.filename?.trim()) return a.filename;
  const ext = EXTENSION_OF.get(a.contentType.toLowerCase());
  return `attachment-${index + 1}${ext ? `.${ext}` : ''}`;
}

/**
 * The parts mailparser found besides the bodies, as sendEmail attachments with their decoded bytes (checked
 * as a client's are, with no base64 round trip; every request of the message shares the same Buffers): an
 * inline part with a Content-ID stays inline (the html refers to it by `cid:`, so parse with keepCidLinks), others are files.
 */
function attachmentsOf(mail: ParsedMail): DecodedAttachment[] {
  return mail.attachments.map((a, i) => {
    const cid = a.cid?.trim() || null;
    const inline = a.contentDisposition === 'inline' && cid !== null;
    return {
      filename: fileNameOf(a, i),
      bytes: a.content,
      contentType: a.contentType,
      disposition: inline ? AttachmentDisposition.INLINE : AttachmentDisposition.ATTACHMENT,
      contentId: cid,
    };
  });
}

/**
 * Turns a submitted message into sendEmail requests. Recipients come from the envelope (RCPT TO): those
 * named in the To header are To, those in Cc are Cc, the rest Bcc. When no envelope recipient is in To,
 * each recipient gets a request of its own (To: that recipient), so no Bcc address is ever shown.
 * Attachments (inline images included) go with every request and are checked as sendEmail checks them. Pure.
 */
export function sendRequestsOf(mail: ParsedMail, envelopeRecipients: readonly string[]): SendEmailInput[] {
  const from = addresses(mail.from);
  if (from.length !== 1) throw new SmtpRefusal(550, '5.6.0 The message must have exactly one From address');
  const replyTo = addresses(mail.replyTo)[0] ?? null;
  const headerTo = new Map(addresses(mail.to).map((a) => [a.email, a]));
  const headerCc = new Map(addresses(mail.cc).map((a) => [a.email, a]));
  const rcpts = [...new Set(envelopeRecipients.map((r) => r.toLowerCase()))];
  const to = rcpts.filter((r) => headerTo.has(r)).map((r) => headerTo.get(r)!);
  const cc = rcpts.filter((r) => !headerTo.has(r) && headerCc.has(r)).map((r) => headerCc.get(r)!);
  const bcc = rcpts.filter((r) => !headerTo.has(r) && !headerCc.has(r)).map((email) => ({ email, name: null }));
  const common: Omit<SendEmailInput, 'to'> = {
    from: from[0],
    replyTo,
    subject: mail.subject ?? null,
    html: mail.html || null,
    text: mail.text ?? null,
    tags: tagsOf(mail),
    headers: passedHeaders(mail),
    attachments: mail.attachments.length ? attachmentsOf(mail) : null,
    sendAt: sendAtOf(mail),
  };
  if (to.length > 0) return [{ ...common, to, cc, bcc }];
  return [...cc, ...bcc].map((r) => ({ ...common, to: [r] }));
}
