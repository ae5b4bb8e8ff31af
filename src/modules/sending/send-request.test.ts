import { describe, expect, it } from 'vitest';
import { customHeaders, isAllowedHeader, parseSendRequest, recipientsOf, requestHash, sendTags } from './send-request';
import type { SendEmailInput } from './sending.inputs';
import { storedRefs } from '../attachments/attachment-parse';

const now = new Date('2026-03-01T12:00:00Z');
const base: SendEmailInput = { from: { email: 'News@Example.com', name: ' News ' }, to: [{ email: 'a@x.example' }], subject: 'Hi', text: 'x' };
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions: { field: string } }).extensions.field;
  }
  return null;
};

describe('parseSendRequest', () => {
  it('normalises addresses and names', () => {
    const r = parseSendRequest(base, now);
    expect(r.from).toEqual({ email: 'news@example.com', name: 'News' });
    expect(r.sendAt).toBeNull();
  });

  it('names the offending field', () => {
    expect(fieldOf(() => parseSendRequest({ ...base, to: [] }, now))).toBe('to');
    expect(fieldOf(() => parseSendRequest({ ...base, to: Array.from({ length: 51 }, (_, i) => ({ email: `r${i}@x.example` })) }, now))).toBe('to');
    expect(fieldOf(() => parseSendRequest({ ...base, cc: [{ email: 'ok@x.example' }, { email: 'not an address' }] }, now))).toBe('cc[1].email');
    expect(fieldOf(() => parseSendRequest({ ...base, from: { email: 'x@y.example', name: 'a\r\nBcc: evil@x.example' } }, now))).toBe('from.name');
    expect(fieldOf(() => parseSendRequest({ ...base, from: null }, now))).toBe('from.email');
    expect(fieldOf(() => parseSendRequest({ ...base, subject: null }, now))).toBe('subject');
    expect(fieldOf(() => parseSendRequest({ ...base, subject: 'a\nb' }, now))).toBe('subject');
    expect(fieldOf(() => parseSendRequest({ ...base, text: null, html: null }, now))).toBe('html');
    expect(fieldOf(() => parseSendRequest({ ...base, templateId: 'nope' }, now))).toBe('templateId');
    expect(fieldOf(() => parseSendRequest({ ...base, sendAt: new Date(now.getTime() + 31 * 86400_000) }, now))).toBe('sendAt');
    expect(fieldOf(() => parseSendRequest({ ...base, idempotencyKey: '' }, now))).toBe('idempotencyKey');
  });

  it('treats a sendAt in the past as now', () => {
    expect(parseSendRequest({ ...base, sendAt: new Date(now.getTime() - 1000) }, now).sendAt).toBeNull();
  });
});

describe('tags and headers', () => {
  it('allows at most 5 tags of the safe alphabet', () => {
    expect(sendTags(['a', 'b.c', 'd:e', 'f-g', 'a'])).toEqual(['a', 'b.c', 'd:e', 'f-g']);
    expect(fieldOf(() => sendTags(['1', '2', '3', '4', '5', '6']))).toBe('tags');
    expect(fieldOf(() => sendTags(['has space']))).toBe('tags');
    expect(fieldOf(() => sendTags(['x'.repeat(51)]))).toBe('tags');
  });

  it('allows X- headers (not X-Mailroom-), In-Reply-To and References only', () => {
    for (const ok of ['X-Campaign', 'x-id', 'In-Reply-To', 'references']) expect(isAllowedHeader(ok), ok).toBe(true);
    for (const bad of ['Subject', 'Bcc', 'From', 'Return-Path', 'DKIM-Signature', 'List-Unsubscribe', 'X-Mailroom-Id', 'X-', 'X-a b', 'X-\u00e9']) expect(isAllowedHeader(bad), bad).toBe(false);
    expect(customHeaders([{ name: 'X-A', value: ' 1 ' }])).toEqual({ 'X-A': '1' });
    expect(fieldOf(() => customHeaders([{ name: 'Bcc', value: 'x@y.example' }]))).toBe('headers[0].name');
    expect(fieldOf(() => customHeaders([{ name: 'X-A', value: 'a\r\nBcc: x@y.example' }]))).toBe('headers[0].value');
    expect(
      fieldOf(() =>
        customHeaders([
          { name: 'X-A', value: '1' },
          { name: 'x-a', value: '2' },
        ]),
      ),
    ).toBe('headers[1].name');
  });
});

describe('recipients and hashing', () => {
  it('gives each address one copy, To before Cc before Bcc', () => {
    const r = parseSendRequest({ ...base, to: [{ email: 'a@x.example' }, { email: 'b@x.example' }], cc: [{ email: 'A@x.example' }], bcc: [{ email: 'c@x.example' }] }, now);
    expect(recipientsOf(r).map((x) => `${x.kind}:${x.email}`)).toEqual(['to:a@x.example', 'to:b@x.example', 'bcc:c@x.example']);
  });

  it('hashes the body canonically: key order and null vs omitted do not matter', () => {
    expect(requestHash({ subject: 'Hi', to: [{ email: 'a@x.example' }], cc: null } as SendEmailInput)).toBe(requestHash({ to: [{ email: 'a@x.example' }], subject: 'Hi' } as SendEmailInput));
    expect(requestHash({ ...base, text: 'y' })).not.toBe(requestHash(base));
  });

  it('hashes attachments by their checked form and bytes: a stored bulk reference hashes as the file it stands for', () => {
    const sent = { ...base, attachments: [{ filename: 'a.txt', content: Buffer.from('one').toString('base64') }] };
    const parsed = parseSendRequest(sent, now).attachments;
    const stored = { ...base, attachments: storedRefs(parsed) } as unknown as SendEmailInput;
    expect(requestHash(stored, parseSendRequest(stored, now).attachments)).toBe(requestHash(sent, parsed));
    const other = { ...base, attachments: [{ filename: 'a.txt', content: Buffer.from('two').toString('base64') }] };
    expect(requestHash(other, parseSendRequest(other, now).attachments)).not.toBe(requestHash(sent, parsed));
    expect(requestHash(base, [])).toBe(requestHash(base));
  });
});
