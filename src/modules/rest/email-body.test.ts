import { describe, expect, it } from 'vitest';
import { AppError } from '../../graphql/errors';
import { toSendEmailInput } from './email-body';
import { restPath } from './rest-errors';

const field = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? e.extensions.field : e;
  }
  return null;
};

describe('toSendEmailInput', () => {
  it('maps MailerSend’s body onto sendEmail’s input', () => {
    const { input, paths } = toSendEmailInput(
      {
        from: { email: 'a@x.example', name: 'A' },
        to: [{ email: 'b@y.example' }],
        reply_to: { email: 'r@x.example' },
        subject: 'S',
        text: 'T',
        tags: ['t'],
        send_at: 1_900_000_000,
        headers: [{ name: 'X-A', value: '1' }],
        in_reply_to: '<m@x>',
        references: ['<a@x>', '<b@x>'],
        precedence_bulk: true,
        settings: { track_opens: false },
      },
      'key-1',
    );
    expect(input).toMatchObject({
      from: { email: 'a@x.example', name: 'A' },
      to: [{ email: 'b@y.example', name: null }],
      replyTo: { email: 'r@x.example', name: null },
      sendAt: new Date(1_900_000_000_000),
      idempotencyKey: 'key-1',
      headers: [
        { name: 'X-A', value: '1' },
        { name: 'In-Reply-To', value: '<m@x>' },
        { name: 'References', value: '<a@x> <b@x>' },
      ],
    });
    expect(paths).toEqual({ 'headers[1].name': 'in_reply_to', 'headers[1].value': 'in_reply_to', 'headers[2].name': 'references', 'headers[2].value': 'references' });
  });

  it('takes the personalization of the recipients when they agree, and refuses it when they differ', () => {
    const base = { to: [{ email: 'A@y.example' }, { email: 'b@y.example' }], template_id: 'tpl' };
    expect(
      toSendEmailInput(
        {
          ...base,
          personalization: [
            { email: 'a@y.example', data: { n: 1 } },
            { email: 'other@z.example', data: { n: 2 } },
          ],
        },
        null,
      ).input.variables,
    ).toEqual({ n: 1 });
    const differ = {
      ...base,
      personalization: [
        { email: 'a@y.example', data: { n: 1 } },
        { email: 'b@y.example', data: { n: 2 } },
      ],
    };
    expect(field(() => toSendEmailInput(differ, null))).toBe('personalization');
  });

  it('refuses wrong types and unknown fields, naming the MailerSend path', () => {
    expect(field(() => toSendEmailInput([], null))).toBe('body');
    expect(field(() => toSendEmailInput({ to: [{ name: 'x' }] }, null))).toBe('to.0.email');
    expect(field(() => toSendEmailInput({ to: [], send_at: 1.5 }, null))).toBe('send_at');
    expect(field(() => toSendEmailInput({ to: [], bogus: 1 }, null))).toBe('bogus');
  });
});

describe('restPath', () => {
  it('spells our field names as MailerSend’s dotted paths', () => {
    expect(['to[0].email', 'replyTo.name', 'templateId', 'sendAt', 'variables', 'idempotencyKey', 'filter.domainIds', 'headers[2].value'].map((f) => restPath(f))).toEqual([
      'to.0.email',
      'reply_to.name',
      'template_id',
      'send_at',
      'personalization',
      'Idempotency-Key',
      'domain_id',
      'headers.2.value',
    ]);
    expect(restPath('headers[2].value', { 'headers[2].value': 'in_reply_to' })).toBe('in_reply_to');
  });
});
