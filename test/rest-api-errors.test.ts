import { randomUUID } from 'node:crypto';
import { EmailParams, Recipient, Sender } from 'mailersend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { fromGlobalId, toGlobalId } from '../src/graphql/global-id';
import { Message } from '../src/modules/sending/message.entity';
import { MessageStatus } from '../src/modules/sending/message.types';
import { insertApiToken, insertTwoTenants } from './support/factories';
import { startTestServer } from './support/harness';
import { answer, mailerSendClient, rest } from './support/mailersend-client';
import { inbox, type SendingEnv, startSendingEnv, tenantWithDomain } from './support/sending-fixtures';

let env: SendingEnv;
beforeAll(async () => {
  env = await startSendingEnv();
});
afterAll(() => env?.stop());

const body = (from: string, over: Record<string, unknown> = {}) => ({ from: { email: from, name: 'Info' }, to: [{ email: inbox(), name: 'Reader' }], subject: 'Hi', text: 'Hello', ...over });
const post = (token: string | null, b: unknown, headers: Record<string, string> = {}) => rest(env.s.url, 'POST', '/v1/email', token, b, headers);
const messagesOf = (accountId: string) => systemEm(env.s.app.orm).count(Message, { account: accountId });

describe('errors in MailerSend’s shape', () => {
  it('422 names the MailerSend path of the offending field, and nothing is sent', async () => {
    const t = await tenantWithDomain(env);
    const from = `info@${t.domain.name}`;
    const cases: [Record<string, unknown>, string][] = [
      [{ to: [{ email: 'not-an-address' }] }, 'to.0.email'],
      [{ cc: [{ email: 'x@inbox.example.test' }, { email: 'bad' }] }, 'cc.1.email'],
      [{ reply_to: { email: 'nope' } }, 'reply_to.email'],
      [{ subject: null }, 'subject'],
      [{ send_at: 'tomorrow' }, 'send_at'],
      [{ send_at: Math.floor(Date.now() / 1000) + 40 * 86400 }, 'send_at'],
      [{ template_id: 'nope' }, 'template_id'],
      [{ headers: [{ name: 'Bcc', value: 'spy@elsewhere.example' }] }, 'headers.0.name'],
      [{ in_reply_to: 'a\r\nBcc: spy@elsewhere.example' }, 'in_reply_to'],
      [{ tags: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'tags'],
      [{ personalization: [{ email: 'x@inbox.example.test', data: { a: 1 } }] }, 'personalization'],
      [{ attachments: [{ content: 'aGk=', filename: 'a.exe' }] }, 'attachments.0.filename'],
      [{ attachments: [{ content: 'aGk=', filename: 'a.txt', disposition: 'sideways' }] }, 'attachments.0.disposition'],
      [{ attachments: 'a.txt' }, 'attachments'],
      [{ rcpt_to: [{ email: 'x@inbox.example.test' }] }, 'rcpt_to'],
      [{ from: { email: 'someone@unknown-domain.example' } }, 'from.email'],
    ];
    for (const [over, path] of cases) {
      const r = await post(t.token, body(from, over));
      expect(r.status, JSON.stringify(over).slice(0, 80)).toBe(422);
      expect(r.body).toEqual({ message: expect.any(String), errors: { [path]: [r.body.message] } });
    }
    const bulk = await rest(env.s.url, 'POST', '/v1/bulk-email', t.token, [body(from), body(from, { to: 'x' })]);
    expect(bulk.status).toBe(422);
    expect(Object.keys(bulk.body.errors)).toEqual(['1.to']);
    const malformed = await fetch(`${env.s.url}/v1/email`, { method: 'POST', headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' }, body: '{not json' });
    expect([malformed.status, await malformed.json()]).toEqual([400, { message: 'Malformed JSON body' }]);
    expect(await messagesOf(t.accountId)).toBe(0);
  });

  it('401 for a bad or missing token, 403 for a missing permission', async () => {
    const t = await tenantWithDomain(env);
    const params = new EmailParams()
      .setFrom(new Sender(`info@${t.domain.name}`))
      .setTo([new Recipient(inbox())])
      .setSubject('Hi')
      .setText('Hello');
    const bogus = await answer(mailerSendClient(env.s.url, 'mr_api_bogus').email.send(params));
    expect(bogus.statusCode).toBe(401);
    expect(bogus.body).toEqual({ message: expect.any(String) });
    expect((await post(null, body(`info@${t.domain.name}`))).status).toBe(401);
    const { secret: readOnly } = await insertApiToken(env.s, { accountId: t.accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid: t.tenantUuid });
    const denied = await answer(mailerSendClient(env.s.url, readOnly).email.send(params));
    expect(denied.statusCode).toBe(403);
    expect(denied.body.message).toMatch(/EMAIL_SEND/);
    const { secret: sendOnly } = await insertApiToken(env.s, { accountId: t.accountId, permissions: [Permission.EMAIL_SEND], tenantUuid: t.tenantUuid });
    expect((await rest(env.s.url, 'GET', '/v1/messages', sendOnly)).status).toBe(403);
    expect((await rest(env.s.url, 'GET', `/v1/activity/${t.domainId}`, sendOnly)).status).toBe(403);
    expect(await messagesOf(t.accountId)).toBe(0);
  });

  it('429 with retry-after past the credential’s request limit', async () => {
    const s = await startTestServer({ rateLimitApiPerCredential: 2, rateLimitApiWindowSeconds: 60 });
    try {
      const { adminToken } = await s.newAccount();
      for (let i = 0; i < 2; i++) expect((await rest(s.url, 'GET', '/v1/messages', adminToken)).status).toBe(200);
      const limited = await rest(s.url, 'GET', '/v1/messages', adminToken);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body).toEqual({ message: expect.stringMatching(/Too many requests/) });
    } finally {
      await s.stop();
    }
  });
});

describe('idempotency', () => {
  it('the same Idempotency-Key and body answers the first message again; another body is 409', async () => {
    const t = await tenantWithDomain(env);
    const b = body(`info@${t.domain.name}`);
    const key = { 'idempotency-key': randomUUID() };
    const first = await post(t.token, b, key);
    const second = await post(t.token, b, key);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.headers.get('x-message-id')).toBe(first.headers.get('x-message-id'));
    expect(await messagesOf(t.accountId)).toBe(1);
    const other = await post(t.token, { ...b, subject: 'Other' }, key);
    expect(other.status).toBe(409);
    expect(Object.keys(other.body.errors)).toEqual(['Idempotency-Key']);
    expect(await messagesOf(t.accountId)).toBe(1);
  });
});

describe('one client’s token and another client’s mail', () => {
  it('cannot send from the other client’s domain, nor see its messages, activity, schedules or bulk emails', async () => {
    const { accountId } = await env.s.newAccount();
    const { tA, tB, dA, dB } = await insertTwoTenants(env.s, accountId);
    const perms = [Permission.EMAIL_SEND, Permission.ACTIVITY_READ, Permission.ACTIVITY_CONTENT_READ];
    const { secret: a } = await insertApiToken(env.s, { accountId, permissions: perms, tenantUuid: tA.id });
    const { secret: b } = await insertApiToken(env.s, { accountId, permissions: perms, tenantUuid: tB.id });

    const spoof = await post(a, body(`info@${dB.name}`));
    expect(spoof.status).toBe(422);
    expect(Object.keys(spoof.body.errors)).toEqual(['from.email']);
    expect(await messagesOf(accountId)).toBe(0);

    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    const sent = await post(a, body(`info@${dA.name}`, { send_at: sendAt }));
    expect(sent.status).toBe(202);
    const id = sent.headers.get('x-message-id')!;
    const bulk = await rest(env.s.url, 'POST', '/v1/bulk-email', a, [body(`info@${dA.name}`, { send_at: sendAt })]);
    expect(bulk.status).toBe(202);

    const missing = toGlobalId('Message', randomUUID());
    for (const path of [`/v1/messages/${id}`, `/v1/message-schedules/${id}`]) {
      const foreign = await rest(env.s.url, 'GET', path, b);
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual((await rest(env.s.url, 'GET', path.replace(id, missing), b)).body);
    }
    expect((await rest(env.s.url, 'DELETE', `/v1/message-schedules/${id}`, b)).status).toBe(404);
    expect((await rest(env.s.url, 'GET', `/v1/bulk-email/${bulk.body.bulk_email_id}`, b)).status).toBe(404);
    for (const path of ['/v1/messages', '/v1/message-schedules', `/v1/activity/${toGlobalId('Domain', dA.id)}`]) {
      const list = await rest(env.s.url, 'GET', path, b);
      expect(list.status, path).toBe(200);
      expect(list.body.data, path).toEqual([]);
      expect(list.body.meta.total, path).toBe(0);
    }
    // Still scheduled, and A sees it.
    const mine = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: fromGlobalId(id, 'Message', 'id') });
    expect(mine.status).toBe(MessageStatus.SCHEDULED);
    expect((await rest(env.s.url, 'GET', `/v1/message-schedules/${id}`, a)).status).toBe(200);
    expect((await rest(env.s.url, 'GET', `/v1/activity/${toGlobalId('Domain', dA.id)}`, a)).body.meta.total).toBeGreaterThanOrEqual(1);
  });
});

describe('another account’s token and this account’s mail', () => {
  it('sees nothing: its messages list is its own, the domain’s activity an empty page, the bulk email and the schedule 404 as missing ones; nothing changes', async () => {
    const a = await tenantWithDomain(env);
    const b = await tenantWithDomain(env);
    const sent = await post(a.token, body(`info@${a.domain.name}`, { send_at: Math.floor(Date.now() / 1000) + 3600 }));
    const id = sent.headers.get('x-message-id')!;
    const bulk = (await rest(env.s.url, 'POST', '/v1/bulk-email', a.token, [body(`info@${a.domain.name}`)])).body.bulk_email_id;
    const own = (await post(b.token, body(`info@${b.domain.name}`))).headers.get('x-message-id');
    const get = (path: string, token: string) => rest(env.s.url, 'GET', path, token);
    const strip = ({ path: _path, ...meta }: Record<string, unknown>) => meta;
    // Account B's admin token (account-wide, every permission) and its tenant token alike.
    for (const token of [b.adminToken, b.token]) {
      const list = await get('/v1/messages', token);
      expect([list.status, list.body.data.map((m: { id: string }) => m.id), list.body.meta.total]).toEqual([200, [own], 1]);
      const activity = await get(`/v1/activity/${a.domainId}`, token);
      const noDomain = await get(`/v1/activity/${toGlobalId('Domain', randomUUID())}`, token);
      expect([activity.status, activity.body.data, activity.body.meta.total]).toEqual([200, [], 0]);
      expect(strip(activity.body.meta)).toEqual(strip(noDomain.body.meta));
      for (const [method, path, missing] of [
        ['GET', `/v1/bulk-email/${bulk}`, `/v1/bulk-email/${toGlobalId('BulkSend', randomUUID())}`],
        ['GET', `/v1/messages/${id}`, `/v1/messages/${toGlobalId('Message', randomUUID())}`],
        ['DELETE', `/v1/message-schedules/${id}`, `/v1/message-schedules/${toGlobalId('Message', randomUUID())}`],
      ]) {
        const foreign = await rest(env.s.url, method, path, token);
        expect([foreign.status, foreign.body], `${method} ${path}`).toEqual([404, (await rest(env.s.url, method, missing, token)).body]);
      }
    }
    // Nothing changed: A's message is still scheduled, and A still reads it and its bulk email.
    const mine = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: fromGlobalId(id, 'Message', 'id') });
    expect(mine.status).toBe(MessageStatus.SCHEDULED);
    expect((await get(`/v1/message-schedules/${id}`, a.token)).body.data).toMatchObject({ message_id: id, status: 'scheduled' });
    expect((await get(`/v1/bulk-email/${bulk}`, a.token)).status).toBe(200);
  });

  it('a bulk email request From another client’s address (another tenant’s or another account’s) is refused for that request; the others go', async () => {
    const { accountId } = await env.s.newAccount();
    const { tA, dA, dB } = await insertTwoTenants(env.s, accountId);
    const elsewhere = await tenantWithDomain(env);
    const { secret: a } = await insertApiToken(env.s, { accountId, permissions: [Permission.EMAIL_SEND, Permission.ACTIVITY_READ], tenantUuid: tA.id });
    const r = await rest(env.s.url, 'POST', '/v1/bulk-email', a, [body(`info@${dA.name}`), body(`info@${dB.name}`), body(`info@${elsewhere.domain.name}`)]);
    expect(r.status).toBe(202);
    let status = (await rest(env.s.url, 'GET', `/v1/bulk-email/${r.body.bulk_email_id}`, a)).body.data;
    for (let i = 0; i < 100 && status.state !== 'completed'; i++) {
      await new Promise((res) => setTimeout(res, 100));
      status = (await rest(env.s.url, 'GET', `/v1/bulk-email/${r.body.bulk_email_id}`, a)).body.data;
    }
    const refusal = [expect.stringMatching(/must be a confirmed sender identity or an address on a verified domain/)];
    expect(status).toMatchObject({
      state: 'completed',
      total_recipients_count: 1,
      validation_errors_count: 2,
      validation_errors: { 'message.1': { 'from.email': refusal }, 'message.2': { 'from.email': refusal } },
      messages_id: [expect.any(String)],
    });
    const rows = await systemEm(env.s.app.orm).find(Message, { account: accountId });
    expect(rows.map((m) => m.fromEmail)).toEqual([`info@${dA.name}`]);
    expect(await messagesOf(elsewhere.accountId)).toBe(0);
  });
});
