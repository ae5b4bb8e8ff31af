import { gunzipSync, inflateRawSync } from 'node:zlib';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { DmarcRefusal, refuse } from './refusal';

/** How much of the zip is handed to the inflater at once: bounds what one step can expand to (deflate expands ~1000×). */
const ZIP_STEP = 4096;

/** What a report file is, by its first bytes (filenames and content types lie). */
export function sniffFormat(bytes: Uint8Array): 'gzip' | 'zip' | 'xml' {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  return 'xml';
}

/** Where the deflate data of a gzip member starts (RFC 1952 header: flags, extra field, name, comment, CRC). */
function gzipBodyStart(b: Uint8Array): number {
  const flags = b[3];
  let at = 10;
  if (flags & 4) at += 2 + (b[at] | (b[at + 1] << 8));
  for (const flag of [8, 16]) if (flags & flag) while (at < b.length && b[at++] !== 0);
  if (flags & 2) at += 2;
  return at;
}

function tooLarge(e: unknown): boolean {
  return (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
}

/** Gunzips at most `maxBytes`; a member followed by junk (some reporters append a CRLF) is read by its deflate data alone. */
function gunzip(bytes: Uint8Array, maxBytes: number): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (e) {
    if (tooLarge(e)) refuse('TOO_LARGE', `The report is larger than ${maxBytes} bytes once decompressed`);
  }
  try {
    return inflateRawSync(bytes.subarray(gzipBodyStart(bytes)), { maxOutputLength: maxBytes });
  } catch (e) {
    if (tooLarge(e)) refuse('TOO_LARGE', `The report is larger than ${maxBytes} bytes once decompressed`);
    refuse('CORRUPT_ARCHIVE', 'The gzip data is damaged');
  }
}

/**
 * The first `.xml` member of a zip archive (or its only member), inflated in small steps so that a zip
 * bomb is stopped once `maxBytes` have come out, whatever sizes its headers claim.
 */
function unzipFirstXml(bytes: Uint8Array, maxBytes: number): Buffer {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let picked: UnzipFile | null = null;
  let done = false;
  let failure: DmarcRefusal | null = null;
  const unzip = new Unzip((file) => {
    if (picked || !/\.xml$/i.test(file.name)) return;
    picked = file;
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = new DmarcRefusal('CORRUPT_ARCHIVE', 'The zip data is damaged');
        return;
      }
      size += chunk.length;
      if (size > maxBytes) {
        failure = new DmarcRefusal('TOO_LARGE', `The report is larger than ${maxBytes} bytes once decompressed`);
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) done = true;
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && !failure && !done; at += ZIP_STEP) {
      const end = Math.min(at + ZIP_STEP, bytes.length);
      unzip.push(bytes.subarray(at, end), end === bytes.length);
    }
  } catch {
    failure ??= new DmarcRefusal('CORRUPT_ARCHIVE', 'The zip data is damaged');
  }
  if (failure) throw failure;
  if (!picked) refuse('NOT_A_REPORT', 'The zip archive holds no .xml file');
  if (!done) refuse('CORRUPT_ARCHIVE', 'The zip data ends early');
  return Buffer.concat(chunks);
}

/**
 * The XML bytes of a report file: gzip and zip (first .xml member) are decompressed, with at most
 * `maxBytes` coming out (DmarcRefusal TOO_LARGE beyond: a zip bomb); anything else is taken as XML. Pure.
 */
export function unpackReport(bytes: Uint8Array, maxBytes: number): Buffer {
  const format = sniffFormat(bytes);
  if (format === 'gzip') {
    const inner = gunzip(bytes, maxBytes);
    // A zip inside a gzip (some reporters do this): unpack once more.
    return sniffFormat(inner) === 'zip' ? unzipFirstXml(inner, maxBytes) : inner;
  }
  if (format === 'zip') return unzipFirstXml(bytes, maxBytes);
  if (bytes.length > maxBytes) refuse('TOO_LARGE', `The report is larger than ${maxBytes} bytes`);
  return Buffer.from(bytes);
}
