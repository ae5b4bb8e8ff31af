import { simpleParser } from 'mailparser';
import { Attachment, EmailParams, Recipient, Sender } from 'mailersend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { Message } from '../src/modules/sending/message.entity';
import { CreateTemplateDocument, SendingMessageDocument } from './generated/graphql';
import { ok } from './support/harness';
import { answer, mailerSendClient, rest } from './support/mailersend-client';
import { header, inbox, type SendingEnv, startSendingEnv, tenantWithDomain, uuidOf, waitForStatus } from './support/sending-fixtures';

let env: SendingEnv;
beforeAll(async () => {
  env = await startSendingEnv();
});
afterAll(() => env?.stop());

const client = (token: string) => mailerSendClient(env.s.url, token);
const email = (from: string, to: string) =>
  new EmailParams()
    .setFrom(new Sender(from, 'Info'))
    .setTo([new Recipient(to, 'Reader')])
    .setSubject('Hello REST')
    .setHtml('<p>Hi REST</p>')
    .setText('Hi REST');

describe('POST /v1/email through the mailersend SDK', () => {
  it('sends: 202 with X-Message-Id, the message is the stored one and is delivered with its headers and tags', async () => {
    const t = await tenantWithDomain(env);
    const to = inbox();
    const params = email(`info@${t.domain.name}`, to)
      .setTags(['rest'])
      .setHeaders([{ name: 'X-Campaign', value: 'c1' }])
      .setInReplyTo('<prev@example.test>');
    const r = await answer(client(t.token).email.send(params));
    expect(r.statusCode).toBe(202);
    const id = r.headers['x-message-id'];
    expect(r.headers['x-mailroom-message-ids']).toBe(id);
    const stored = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: uuidOf(id) });
    expect(stored).toMatchObject({ recipient: to, subject: 'Hello REST', fromEmail: `info@${t.domain.name}`, tags: ['rest'] });
    const [got] = await env.sink.waitFor(to, 1);
    expect(header(got.raw, 'X-Campaign')).toBe('c1');
    expect(header(got.raw, 'In-Reply-To')).toBe('<prev@example.test>');
    expect(header(got.raw, 'Subject')).toBe('Hello REST');
    expect((await waitForStatus(env, t.token, id, ['DELIVERED'])).recipient).toBe(to);
  });

  it('sends attachments and inline images (MailerSend’s content, filename, disposition, id): delivered with them; a refused file is 422 naming MailerSend’s path', async () => {
    const t = await tenantWithDomain(env);
    const to = inbox();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-fake-image-bytes')]);
    const params = email(`info@${t.domain.name}`, to)
      .setHtml('<p>Logo: <img src="cid:logo"></p>')
      .setAttachments([new Attachment(pdf.toString('base64'), 'invoice.pdf', 'attachment'), new Attachment(png.toString('base64'), 'logo.png', 'inline', 'logo')]);
    const r = await answer(client(t.token).email.send(params));
    expect(r.statusCode).toBe(202);
    const [got] = await env.sink.waitFor(to, 1);
    const parsed = await simpleParser(got.raw, { keepCidLinks: true });
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.contentDisposition, a.cid ?? null, a.content.toString('base64')]).sort()).toEqual([
      ['invoice.pdf', 'application/pdf', 'attachment', null, pdf.toString('base64')],
      ['logo.png', 'image/png', 'inline', 'logo', png.toString('base64')],
    ]);
    expect(parsed.html).toContain('cid:logo');
    // A body over the 1 MiB of an unauthenticated call is fine with a valid token (MAILROOM_MAX_REQUEST_BYTES).
    const big = Buffer.concat([pdf, Buffer.alloc(1536 * 1024, 0x20)]);
    const large = await answer(client(t.token).email.send(email(`info@${t.domain.name}`, inbox()).setAttachments([new Attachment(big.toString('base64'), 'big.pdf')])));
    expect(large.statusCode).toBe(202);
    const exe = await answer(client(t.token).email.send(email(`info@${t.domain.name}`, inbox()).setAttachments([new Attachment(pdf.toString('base64'), 'setup.exe')])));
    expect(exe.statusCode).toBe(422);
    expect(Object.keys(exe.body.errors)).toEqual(['attachments.0.filename']);
    const inlineWithoutId = await answer(client(t.token).email.send(email(`info@${t.domain.name}`, inbox()).setAttachments([new Attachment(png.toString('base64'), 'logo.png', 'inline')])));
    expect(Object.keys(inlineWithoutId.body.errors)).toEqual(['attachments.0.id']);
  });

  it('schedules with send_at, lists and shows the schedule, and deletes it (the message is cancelled)', async () => {
    const t = await tenantWithDomain(env);
    const ms = client(t.token);
    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    const r = await answer(ms.email.send(email(`info@${t.domain.name}`, inbox()).setSendAt(sendAt)));
    expect(r.statusCode).toBe(202);
    const id = r.headers['x-message-id'];
    const list = await answer(ms.email.schedule.list({ limit: 10 }));
    expect(list.statusCode).toBe(200);
    expect(list.body.data).toEqual([
      { message_id: id, subject: 'Hello REST', send_at: new Date(sendAt * 1000).toISOString(), status: 'scheduled', status_message: null, created_at: expect.any(String) },
    ]);
    expect(list.body.meta).toMatchObject({ current_page: 1, from: 1, to: 1, per_page: 10, total: 1, last_page: 1 });
    expect(list.body.links).toMatchObject({ prev: null, next: null, first: expect.stringContaining('/v1/message-schedules?') });
    const one = await answer(ms.email.schedule.single(id));
    expect(one.body.data).toMatchObject({ message_id: id, status: 'scheduled', domain: { id: t.domainId, name: t.domain.name }, message: { id } });
    expect((await answer(ms.email.schedule.list({ status: 'sent' } as never))).body.data).toEqual([]);
    const del = await answer(ms.email.schedule.delete(id));
    expect(del.statusCode).toBe(204);
    expect(ok(await env.s.gql(SendingMessageDocument, { id }, t.token)).message.status).toBe('CANCELLED');
    expect((await answer(ms.email.schedule.list())).body.data).toEqual([]);
    expect((await answer(ms.email.schedule.single(id))).statusCode).toBe(404);
    const again = await answer(ms.email.schedule.delete(id));
    expect(again.statusCode).toBe(422);
    expect(Object.keys(again.body.errors)).toEqual(['message_id']);
  });

  it('personalization fills a template’s variables', async () => {
    const t = await tenantWithDomain(env);
    const input = { domainId: t.domainId, name: 'Hi', subject: 'Hi {{ name }}', text: 'Hello {{ name }}', fromEmail: `hi@${t.domain.name}` };
    const template = ok(await env.s.gql(CreateTemplateDocument, { input }, t.token)).createTemplate.template;
    const to = inbox();
    const params = new EmailParams()
      .setTo([new Recipient(to)])
      .setTemplateId(template.id)
      .setPersonalization([{ email: to, data: { name: 'Ada' } }]);
    expect((await answer(client(t.token).email.send(params))).statusCode).toBe(202);
    const [got] = await env.sink.waitFor(to, 1);
    expect(header(got.raw, 'Subject')).toBe('Hi Ada');
  });
});

describe('POST /v1/bulk-email and GET /v1/bulk-email/{id}', () => {
  it('accepts a bulk email and reports its state, messages and validation errors', async () => {
    const t = await tenantWithDomain(env);
    const ms = client(t.token);
    const to = inbox();
    const r = await answer(ms.email.sendBulk([email(`info@${t.domain.name}`, to), email('someone@not-ours.example', inbox())]));
    expect(r.statusCode).toBe(202);
    expect(r.body).toEqual({ message: 'The bulk email is being processed.', bulk_email_id: expect.any(String) });
    let status = (await answer(ms.email.getBulkStatus(r.body.bulk_email_id))).body.data;
    for (let i = 0; i < 100 && status.state !== 'completed'; i++) {
      await new Promise((res) => setTimeout(res, 100));
      status = (await answer(ms.email.getBulkStatus(r.body.bulk_email_id))).body.data;
    }
    const [message] = await systemEm(env.s.app.orm).find(Message, { recipient: to });
    expect(status).toMatchObject({
      id: r.body.bulk_email_id,
      state: 'completed',
      total_recipients_count: 1,
      validation_errors_count: 1,
      validation_errors: { 'message.1': { 'from.email': [expect.any(String)] } },
      messages_id: [message.gid],
    });
    expect((await answer(ms.email.getBulkStatus('not-an-id'))).statusCode).toBe(404);
  });
});

describe('POST /v1/email to suppressed recipients', () => {
  it('answers 202 with MailerSend’s warnings: SOME_SUPPRESSED naming each suppressed recipient and its message, ALL_SUPPRESSED when none was sent', async () => {
    const t = await tenantWithDomain(env);
    const [fine, blocked] = [inbox('fine'), inbox('blocked')];
    const ADD = 'mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { suppressions { id } } }';
    ok(await env.s.gql(ADD, { input: { list: 'BLOCKLIST', domainId: t.domainId, recipients: [blocked] } }, t.adminToken));
    const post = (to: { email: string; name?: string }[]) => rest(env.s.url, 'POST', '/v1/email', t.token, { from: { email: `info@${t.domain.name}` }, to, subject: 'Hi', text: 'Hello' });

    const some = await post([
      { email: fine, name: 'Fine Reader' },
      { email: blocked, name: 'Blocked Reader' },
    ]);
    expect(some.status).toBe(202);
    const [fineId, blockedId] = some.headers.get('x-mailroom-message-ids')!.split(',');
    expect(some.headers.get('x-message-id')).toBe(fineId);
    expect(some.body).toEqual({
      warnings: [
        {
          type: 'SOME_SUPPRESSED',
          warning: 'Some of the recipients were not sent this email.',
          recipients: [{ email: blocked, name: 'Blocked Reader', reasons: ['suppressed'], message_id: blockedId }],
        },
      ],
    });
    const all = await post([{ email: blocked }]);
    expect(all.status).toBe(202);
    expect(all.body).toEqual({
      warnings: [
        {
          type: 'ALL_SUPPRESSED',
          warning: 'None of the recipients were sent this email.',
          recipients: [{ email: blocked, name: null, reasons: ['suppressed'], message_id: all.headers.get('x-message-id') }],
        },
      ],
    });
    // Nothing suppressed: no body at all.
    const none = await post([{ email: inbox() }]);
    expect([none.status, none.body]).toEqual([202, null]);
    const statusOf = async (gid: string) => (await systemEm(env.s.app.orm).findOneOrFail(Message, { id: uuidOf(gid) })).status;
    expect([await statusOf(blockedId), await statusOf(all.headers.get('x-message-id')!)]).toEqual(['SUPPRESSED', 'SUPPRESSED']);
    expect(await statusOf(fineId)).not.toBe('SUPPRESSED');
  });
});

describe('GET /v1/activity/{domain_id}, /v1/messages', () => {
  it('lists the domain’s activity with its email, filtered by event and dates, paged', async () => {
    const t = await tenantWithDomain(env);
    const ms = client(t.token);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await answer(ms.email.send(email(`info@${t.domain.name}`, inbox())))).headers['x-message-id']);
    await Promise.all(ids.map((id) => waitForStatus(env, t.token, id, ['DELIVERED'])));
    const now = Math.floor(Date.now() / 1000);
    const queued = await answer(ms.email.activity.domain(t.domainId, { date_from: now - 600, date_to: now + 600, event: ['queued' as never], limit: 10 }));
    expect(queued.statusCode).toBe(200);
    expect(queued.body.data.map((e: { email: { id: string } }) => e.email.id).sort()).toEqual([...ids].sort());
    expect(queued.body.data[0]).toMatchObject({
      type: 'queued',
      email: { from: `info@${t.domain.name}`, subject: 'Hello REST', html: '<p>Hi REST</p>', status: 'delivered', recipient: { email: expect.any(String) } },
    });
    expect(queued.body.meta).toMatchObject({ total: 2, current_page: 1, per_page: 10 });
    const all = await answer(ms.email.activity.domain(t.domainId, { date_from: now - 600, date_to: now + 600, limit: 10 }));
    expect(all.body.meta.total).toBeGreaterThanOrEqual(4); // QUEUED and DELIVERED (SENT too, in relay mode) for each.
    const page2 = await answer(ms.email.activity.domain(t.domainId, { date_from: now - 600, date_to: now + 600, event: ['queued' as never, 'delivered' as never], limit: 10, page: 2 } as never));
    expect(page2.body.data).toEqual([]);
    expect(page2.body.meta).toMatchObject({ current_page: 2, from: null, total: 4 });
    const later = await answer(ms.email.activity.domain(t.domainId, { date_from: now + 600, date_to: now + 1200 }));
    expect(later.body.data).toEqual([]);
    const bad = await answer(ms.email.activity.domain(t.domainId, { date_from: now, date_to: now + 60, event: ['survey_opened' as never] }));
    expect(bad.statusCode).toBe(422);
    expect(Object.keys(bad.body.errors)).toEqual(['event.0']);
  });

  it('lists messages newest first with the pagination envelope, and shows one', async () => {
    const t = await tenantWithDomain(env);
    const ms = client(t.token);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await answer(ms.email.send(email(`info@${t.domain.name}`, inbox())))).headers['x-message-id']);
    const first = await answer(ms.email.message.list({ limit: 10 }));
    expect(first.body.data.map((m: { id: string }) => m.id)).toEqual([...ids].reverse().slice(0, 10));
    expect(first.body.meta).toMatchObject({ current_page: 1, from: 1, to: 10, last_page: 2, total: 12 });
    expect(first.body.links.next).toMatch(/\/v1\/messages\?limit=10&page=2$/);
    const second = await answer(ms.email.message.list({ limit: 10, page: 2 }));
    expect(second.body.data.map((m: { id: string }) => m.id)).toEqual(ids.slice(0, 2).reverse());
    expect(second.body.meta).toMatchObject({ from: 11, to: 12 });
    const one = await answer(ms.email.message.single(ids[0]));
    expect(one.body.data).toMatchObject({ id: ids[0], emails: [{ id: ids[0], subject: 'Hello REST', text: 'Hi REST' }], domain: { id: t.domainId } });
    expect((await answer(ms.email.message.list({ limit: 5 }))).statusCode).toBe(422);
  });
});

describe('request log', () => {
  it('records REST calls with transport REST, the method and path as the operation name and the GraphQL field run', async () => {
    const t = await tenantWithDomain(env);
    await answer(client(t.token).email.send(email(`info@${t.domain.name}`, inbox())));
    await answer(client(t.token).email.message.list({ limit: 200 }));
    await env.s.app.requestLog!.flush();
    const LOGS = `query($f: RequestLogFilterInput) { requestLogs(filter: $f, first: 10) { edges { node { id transport operationType operationName fields status codes tenantIds } } } }`;
    const logs = ok(await env.s.gql<{ requestLogs: { edges: { node: Record<string, unknown> }[] } }, unknown>(LOGS, { f: { operationNames: ['POST /v1/email', 'GET /v1/messages'] } }, t.adminToken));
    const nodes = logs.requestLogs.edges.map((e) => e.node);
    expect(nodes.map(({ id: _id, ...n }) => n)).toEqual([
      { transport: 'REST', operationType: 'QUERY', operationName: 'GET /v1/messages', fields: ['messages'], status: 422, codes: ['BAD_USER_INPUT'], tenantIds: [t.tenantId] },
      { transport: 'REST', operationType: 'MUTATION', operationName: 'POST /v1/email', fields: ['sendEmail'], status: 202, codes: [], tenantIds: [t.tenantId] },
    ]);
    const ONE = `query($id: ID!) { requestLog(id: $id) { request response } }`;
    const sent = ok(await env.s.gql<{ requestLog: { request: { method: string; path: string; body: Record<string, unknown> } } }, unknown>(ONE, { id: nodes[1].id }, t.adminToken)).requestLog;
    expect(sent.request).toMatchObject({ method: 'POST', path: '/v1/email', body: { html: '[REDACTED]', text: '[REDACTED]', subject: '[REDACTED]', to: [{ email: expect.any(String) }] } });
  });
});
