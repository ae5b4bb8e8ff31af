import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { SmtpRefusal, sendRequestsOf } from './submission-message';

const parse = (head: string, body = 'Hello') => simpleParser(`${head.trim().split('\n').join('\r\n')}\r\n\r\n${body}`);

describe('sendRequestsOf', () => {
  it('maps envelope recipients to To, Cc and Bcc by the headers, and keeps allow-listed headers, tags and sendAt', async () => {
    const mail = await parse(`
From: "Shop" <Orders@Shop.example>
To: Ada <ada@x.example>
Cc: bob@x.example
Subject: Hi
X-Order: 42
X-Mailroom-Tags: a, b
X-Mailroom-Send-At: 2030-01-02T03:04:05Z
In-Reply-To: <m1@x>
X-Order: 43
X-Mailroom-Secret: no
X-Bad_Name: no
Received: from evil`);
    const [req, ...rest] = sendRequestsOf(mail, ['ADA@x.example', 'bob@x.example', 'hidden@x.example']);
    expect(rest).toEqual([]);
    expect(req).toMatchObject({
      from: { email: 'orders@shop.example', name: 'Shop' },
      to: [{ email: 'ada@x.example', name: 'Ada' }],
      cc: [{ email: 'bob@x.example', name: null }],
      bcc: [{ email: 'hidden@x.example', name: null }],
      subject: 'Hi',
      text: 'Hello',
      tags: ['a', 'b'],
      sendAt: new Date('2030-01-02T03:04:05Z'),
      headers: [
        { name: 'X-Order', value: '42' },
        { name: 'In-Reply-To', value: '<m1@x>' },
      ],
    });
  });

  it('gives each recipient a request of its own when none is in To (no Bcc address shown)', async () => {
    const mail = await parse('From: a@shop.example\nTo: undisclosed-recipients:;\nSubject: Hi');
    expect(sendRequestsOf(mail, ['x@x.example', 'y@x.example']).map((r) => r.to)).toEqual([[{ email: 'x@x.example', name: null }], [{ email: 'y@x.example', name: null }]]);
  });

  it('maps attachments: files by name and type, inline parts with their Content-ID (cid: links kept)', async () => {
    const raw = [
      'From: a@shop.example',
      'To: x@x.example',
      'Subject: f',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: multipart/related; boundary=r',
      '',
      '--r',
      'Content-Type: text/html',
      '',
      '<img src="cid:logo@shop">',
      '--r',
      'Content-Type: image/png',
      'Content-Disposition: inline',
      'Content-ID: <logo@shop>',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('PNGDATA').toString('base64'),
      '--r--',
      '--b',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename=a.pdf',
      '',
      '%PDF-1.4',
      '--b',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment',
      '',
      '%PDF-1.4',
      '--b--',
      '',
    ].join('\r\n');
    const [req] = sendRequestsOf(await simpleParser(raw, { keepCidLinks: true }), ['x@x.example']);
    expect(req.html).toContain('cid:logo@shop');
    // The decoded bytes as mailparser found them (no base64 round trip).
    expect(req.attachments).toEqual([
      { filename: 'attachment-1.png', bytes: Buffer.from('PNGDATA'), contentType: 'image/png', disposition: 'INLINE', contentId: 'logo@shop' },
      { filename: 'a.pdf', bytes: Buffer.from('%PDF-1.4'), contentType: 'application/pdf', disposition: 'ATTACHMENT', contentId: null },
      { filename: 'attachment-3.pdf', bytes: Buffer.from('%PDF-1.4'), contentType: 'application/pdf', disposition: 'ATTACHMENT', contentId: null },
    ]);
    expect(req.attachments!.every((a) => Buffer.isBuffer((a as { bytes?: unknown }).bytes) && !('content' in a))).toBe(true);
  });

  it('refuses several From addresses and a bad X-Mailroom-Send-At with SMTP codes', async () => {
    const twoFrom = await parse('From: a@shop.example, b@shop.example\nTo: x@x.example\nSubject: s');
    expect(() => sendRequestsOf(twoFrom, ['x@x.example'])).toThrow(SmtpRefusal);
    const badAt = await parse('From: a@shop.example\nTo: x@x.example\nSubject: s\nX-Mailroom-Send-At: tomorrow');
    expect(() => sendRequestsOf(badAt, ['x@x.example'])).toThrow(/X-Mailroom-Send-At/);
  });
});
