import { createHash } from 'node:crypto';
import { badInput } from '../../graphql/errors';
import { AttachmentDisposition } from './attachment-disposition';
import type { AttachmentInput } from './attachment.inputs';
import { DENIED_EXTENSIONS, DENIED_TYPES, EXTENSION_TYPES, extensionOf, sanitizeFileName } from './file-names';
import { essence, fitsSniffed, needsMagic, type Sniffed, sniff } from './sniff';

/** Most attachments of one message. */
export const MAX_ATTACHMENTS = 50;
/** The default total size of one message's attachments, decoded (MailerSend's 25 MB). */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** An attachment after every check: a safe name, a media type that fits the bytes, the bytes' SHA-256. */
export interface ParsedAttachment {
  filename: string;
  contentType: string;
  disposition: AttachmentDisposition;
  contentId: string | null;
  sha256: string;
  size: number;
  /** The bytes; null when they are stored already (a bulk send's request, stored when it was submitted). */
  bytes: Buffer | null;
}

/** An attachment of a stored bulk request: checked and stored when the bulk send was submitted, referenced by its hash. Never from a client. */
export interface StoredAttachmentRef {
  filename: string;
  contentType: string;
  disposition: AttachmentDisposition;
  contentId: string | null;
  stored: { sha256: string; size: number };
}

/**
 * An attachment whose bytes are decoded already (a part of a message submitted over SMTP, which mailparser
 * decoded): checked like a client's, without a base64 round trip. Never from a client (JSON has no Buffer).
 */
export interface DecodedAttachment {
  filename: string;
  bytes: Buffer;
  contentType?: string | null;
  disposition?: AttachmentDisposition | null;
  contentId?: string | null;
}

/** What a send request may carry: a client's attachment, a decoded one (SMTP), or a stored one (bulk sends, template defaults). */
export type AttachmentSource = AttachmentInput | DecodedAttachment | StoredAttachmentRef;

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const CONTENT_ID = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]{1,200}$/;
const OCTETS = 'application/octet-stream';

const isStored = (a: AttachmentSource): a is StoredAttachmentRef => 'stored' in a && !!a.stored;
const isDecoded = (a: AttachmentSource): a is DecodedAttachment => 'bytes' in a && Buffer.isBuffer(a.bytes);

function decode(field: string, content: string): Buffer {
  const clean = content.replace(/[\r\n\t ]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw badInput(`${field}.content`, 'content must be base64 (A–Z, a–z, 0–9, +, / and = padding)');
  return Buffer.from(clean, 'base64');
}

function contentIdOf(field: string, raw: string | null | undefined, disposition: AttachmentDisposition): string | null {
  const id = raw?.trim().replace(/^<|>$/g, '') || null;
  if (disposition === AttachmentDisposition.INLINE && !id) throw badInput(`${field}.contentId`, 'An INLINE attachment needs a contentId (referenced as cid:<contentId> in the html)');
  if (id !== null && !CONTENT_ID.test(id)) throw badInput(`${field}.contentId`, 'contentId must be 1–200 printable characters without spaces, quotes or angle brackets');
  return id;
}

function nameOf(field: string, raw: string): { filename: string; ext: string } {
  const filename = sanitizeFileName(raw);
  if (!filename) throw badInput(`${field}.filename`, 'filename must name a file');
  const ext = extensionOf(filename);
  if (DENIED_EXTENSIONS.has(ext)) throw badInput(`${field}.filename`, `Files of type .${ext} are not allowed (executable or script types are refused)`);
  return { filename, ext };
}

const described = (s: Sniffed | null) => (s ? s.type : 'of no type with a known signature');

/** The checked media type: a declared one must fit the bytes, so must the one the extension stands for. */
function typeOf(field: string, declaredRaw: string | null | undefined, ext: string, sniffed: Sniffed | null): string {
  if (sniffed?.executable) throw badInput(`${field}.content`, 'Executable files and scripts are not allowed');
  const declared = declaredRaw?.trim() ? essence(declaredRaw) : null;
  if (declared !== null && !MEDIA_TYPE.test(declared)) throw badInput(`${field}.contentType`, 'contentType must be a media type like application/pdf');
  if (declared !== null && DENIED_TYPES.has(declared)) throw badInput(`${field}.contentType`, `Files of type ${declared} are not allowed (executable or script types are refused)`);
  const fits = (t: string) => (sniffed ? fitsSniffed(t, sniffed.type) : !needsMagic(t));
  if (declared !== null && !fits(declared)) throw badInput(`${field}.contentType`, `contentType is ${declared} but the content is ${described(sniffed)}`);
  const expected = EXTENSION_TYPES[ext] ?? null;
  if (expected !== null && !fits(expected)) throw badInput(`${field}.filename`, `A .${ext} file must be ${expected} but the content is ${described(sniffed)}`);
  if (declared !== null && declared !== OCTETS) return declared;
  if (expected !== null) return expected;
  return sniffed && sniffed.type !== 'application/x-ole-storage' ? sniffed.type : OCTETS;
}

/** Roughly how many bytes a base64 text decodes to (from its length alone). */
const decodedLength = (content: string) => Math.floor((content.length * 3) / 4);

/** A client's base64 content, decoded; one clearly over what is left of the limit (line breaks counted generously) is refused before decoding. */
function decodeWithin(field: string, content: unknown, total: number, maxBytes: number, tooBig: () => Error): Buffer {
  if (typeof content !== 'string') throw badInput(`${field}.content`, 'content is required (base64)');
  if (total + decodedLength(content) > maxBytes * 1.05 + 1024) throw tooBig();
  return decode(field, content);
}

/**
 * Checks the attachments of one send request (pure apart from hashing): at most 50; names sanitised
 * and executable extensions refused; base64 decoded strictly (decoded ones, from SMTP, taken as they are); executables refused by their bytes; the
 * declared type and the name's type checked against the sniffed bytes; INLINE with a unique contentId;
 * at most `maxBytes` decoded in all. BAD_USER_INPUT naming `attachments[i].<field>` on the first problem.
 */
export function parseAttachments(list: readonly AttachmentSource[] | null | undefined, maxBytes: number): ParsedAttachment[] {
  const items = list ?? [];
  if (items.length > MAX_ATTACHMENTS) throw badInput('attachments', `at most ${MAX_ATTACHMENTS} attachments`);
  const tooBig = () => badInput('attachments', `Attachments together must be at most ${maxBytes} bytes (decoded)`, { maxBytes });
  const seen = new Set<string>();
  let total = 0;
  return items.map((a, i): ParsedAttachment => {
    const field = `attachments[${i}]`;
    const { filename, ext } = nameOf(field, a.filename);
    const disposition = a.disposition ?? AttachmentDisposition.ATTACHMENT;
    const contentId = contentIdOf(field, a.contentId, disposition);
    if (contentId !== null && seen.has(contentId.toLowerCase())) throw badInput(`${field}.contentId`, `contentId "${contentId}" is given twice`);
    if (contentId !== null) seen.add(contentId.toLowerCase());
    if (isStored(a)) {
      total += a.stored.size;
      if (total > maxBytes) throw tooBig();
      return { filename, contentType: a.contentType, disposition, contentId, sha256: a.stored.sha256, size: a.stored.size, bytes: null };
    }
    const bytes = isDecoded(a) ? a.bytes : decodeWithin(field, (a as AttachmentInput).content, total, maxBytes, tooBig);
    total += bytes.length;
    if (total > maxBytes) throw tooBig();
    const contentType = typeOf(field, a.contentType, ext, sniff(bytes));
    return { filename, contentType, disposition, contentId, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, bytes };
  });
}

/** The stored form of checked attachments (no bytes: a hash each), for bulk requests kept until they are processed. Pure. */
export function storedRefs(list: readonly ParsedAttachment[]): StoredAttachmentRef[] {
  return list.map((a) => ({ filename: a.filename, contentType: a.contentType, disposition: a.disposition, contentId: a.contentId, stored: { sha256: a.sha256, size: a.size } }));
}
