import { describe, expect, it } from 'vitest';
import { AppError } from '../../graphql/errors';
import { parseAttachments, storedRefs } from './attachment-parse';
import { sanitizeFileName } from './file-names';
import { sniff } from './sniff';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');

function refusal(fn: () => unknown): { field: unknown; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError && e.extensions.code === 'BAD_USER_INPUT') return { field: e.extensions.field, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}
const fieldOf = (list: Parameters<typeof parseAttachments>[0], max = 1000) => refusal(() => parseAttachments(list, max)).field;

describe('sniff', () => {
  it('tells common types and executables by their first bytes, and nothing for text', () => {
    expect(sniff(PDF)?.type).toBe('application/pdf');
    expect(sniff(PNG)?.type).toBe('image/png');
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))?.type).toBe('image/jpeg');
    expect(sniff(Buffer.from('GIF89a...'))?.type).toBe('image/gif');
    expect(sniff(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))?.type).toBe('image/webp');
    expect(sniff(ZIP)?.type).toBe('application/zip');
    expect(sniff(Buffer.from('MZ\x90\0'))).toEqual({ type: 'application/x-executable', executable: true });
    expect(sniff(Buffer.from('\x7fELF'))?.executable).toBe(true);
    expect(sniff(Buffer.from('#!/bin/sh\n'))?.executable).toBe(true);
    expect(sniff(Buffer.from('BMW service report'))).toBeNull();
    expect(sniff(Buffer.from('Hello, plain text'))).toBeNull();
  });
});

describe('sanitizeFileName', () => {
  it('keeps the last path segment, drops control and bidi characters, and cuts long names before the extension', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\x\\invoice.pdf')).toBe('invoice.pdf');
    expect(sanitizeFileName('a\r\nb\u0000c.txt')).toBe('abc.txt');
    expect(sanitizeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFileName(' ..hidden. ')).toBe('hidden');
    expect(sanitizeFileName('a"b<c>.txt')).toBe('a_b_c_.txt');
    const long = sanitizeFileName(`${'x'.repeat(300)}.pdf`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
    expect(sanitizeFileName('///')).toBe('');
  });
});

describe('parseAttachments', () => {
  it('accepts a PDF and an inline PNG, typing them from bytes and names, hashing the bytes', () => {
    const [pdf, png] = parseAttachments(
      [
        { filename: 'dir/Invoice 7.pdf', content: b64(PDF) },
        { filename: 'logo.png', content: b64(PNG), contentType: 'image/png', disposition: 'INLINE' as never, contentId: '<logo@x>' },
      ],
      1000,
    );
    expect(pdf).toMatchObject({ filename: 'Invoice 7.pdf', contentType: 'application/pdf', disposition: 'ATTACHMENT', contentId: null, size: PDF.length });
    expect(pdf.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pdf.bytes?.equals(PDF)).toBe(true);
    expect(png).toMatchObject({ contentType: 'image/png', disposition: 'INLINE', contentId: 'logo@x' });
    expect(parseAttachments([{ filename: 'a.docx', content: b64(ZIP) }], 1000)[0].contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(parseAttachments([{ filename: 'notes', content: b64('plain') }], 1000)[0].contentType).toBe('application/octet-stream');
    expect(parseAttachments([{ filename: 'notes.txt', content: b64('plain'), contentType: 'text/plain; charset=utf-8' }], 1000)[0].contentType).toBe('text/plain');
  });

  it('refuses executable names, types and bytes', () => {
    expect(fieldOf([{ filename: 'setup.exe', content: b64('x') }])).toBe('attachments[0].filename');
    expect(
      fieldOf([
        { filename: 'ok.pdf', content: b64(PDF) },
        { filename: 'run.JS', content: b64('x') },
      ]),
    ).toBe('attachments[1].filename');
    expect(fieldOf([{ filename: 'invoice.pdf.vbs ', content: b64('x') }])).toBe('attachments[0].filename');
    expect(fieldOf([{ filename: 'tool.bin', content: b64('MZ\x90\0\x03') }])).toBe('attachments[0].content');
    expect(fieldOf([{ filename: 'a.dat', content: b64('x'), contentType: 'application/x-msdownload' }])).toBe('attachments[0].contentType');
  });

  it('refuses a declared type or a name that the bytes contradict', () => {
    expect(fieldOf([{ filename: 'a.png', content: b64(PDF), contentType: 'image/png' }])).toBe('attachments[0].contentType');
    expect(fieldOf([{ filename: 'a.txt', content: b64(PDF), contentType: 'text/plain' }])).toBe('attachments[0].contentType');
    expect(fieldOf([{ filename: 'a.pdf', content: b64('just text') }])).toBe('attachments[0].filename');
    expect(fieldOf([{ filename: 'a.jpg', content: b64(PNG) }])).toBe('attachments[0].filename');
    expect(fieldOf([{ filename: 'a', content: b64('x'), contentType: 'not a type' }])).toBe('attachments[0].contentType');
  });

  it('checks base64, contentId, the count and the total size', () => {
    expect(fieldOf([{ filename: 'a.txt', content: 'not base64!' }])).toBe('attachments[0].content');
    expect(fieldOf([{ filename: 'a.png', content: b64(PNG), disposition: 'INLINE' as never }])).toBe('attachments[0].contentId');
    expect(fieldOf([{ filename: 'a.png', content: b64(PNG), contentId: 'has space' }])).toBe('attachments[0].contentId');
    expect(
      fieldOf([
        { filename: 'a.png', content: b64(PNG), contentId: 'x' },
        { filename: 'b.png', content: b64(PNG), contentId: 'X' },
      ]),
    ).toBe('attachments[1].contentId');
    expect(fieldOf([{ filename: '..', content: b64('x') }])).toBe('attachments[0].filename');
    expect(fieldOf(Array.from({ length: 51 }, () => ({ filename: 'a.txt', content: b64('x') })))).toBe('attachments');
    expect(
      fieldOf([
        { filename: 'a.txt', content: b64('x'.repeat(600)) },
        { filename: 'b.txt', content: b64('x'.repeat(500)) },
      ]),
    ).toBe('attachments');
    expect(parseAttachments([{ filename: 'a.txt', content: b64('x'.repeat(1000)) }], 1000)).toHaveLength(1);
  });

  it('checks decoded bytes (SMTP parts) exactly as base64 ones, keeping the very Buffer', () => {
    const [fromBase64] = parseAttachments([{ filename: 'dir/Invoice 7.pdf', content: b64(PDF) }], 1000);
    const [decoded] = parseAttachments([{ filename: 'dir/Invoice 7.pdf', bytes: PDF }], 1000);
    expect(decoded).toEqual(fromBase64);
    expect(decoded.bytes).toBe(PDF);
    expect(fieldOf([{ filename: 'setup.exe', bytes: Buffer.from('x') }])).toBe('attachments[0].filename');
    expect(fieldOf([{ filename: 'tool.bin', bytes: Buffer.from('MZ\x90\0\x03') }])).toBe('attachments[0].content');
    expect(fieldOf([{ filename: 'a.png', bytes: PDF, contentType: 'image/png' }])).toBe('attachments[0].contentType');
    expect(fieldOf([{ filename: 'a.png', bytes: PNG, disposition: 'INLINE' as never }])).toBe('attachments[0].contentId');
    expect(
      fieldOf([
        { filename: 'a.txt', bytes: Buffer.alloc(600, 0x78) },
        { filename: 'b.txt', content: b64('x'.repeat(500)) },
      ]),
    ).toBe('attachments');
  });

  it('takes stored references as they were checked, counting their size', () => {
    const [parsed] = parseAttachments([{ filename: 'a.pdf', content: b64(PDF) }], 1000);
    const [again] = parseAttachments(storedRefs([parsed]), 1000);
    expect(again).toEqual({ ...parsed, bytes: null });
    expect(fieldOf(storedRefs([parsed]), PDF.length - 1)).toBe('attachments');
  });
});
