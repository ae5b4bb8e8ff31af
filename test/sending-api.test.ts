import { toGlobalId } from '../src/graphql/global-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { SenderIdentityStatus } from '../src/modules/identities/sender-identity.entity';
import { DomainStatus } from '../src/modules/domains/domain.types';
import { Message } from '../src/modules/sending/message.entity';
import { CancelScheduledMessageDocument, CreateTemplateDocument, DeleteTemplateDocument, SendEmailDocument, type SendEmailInput, UpdateTemplateDocument } from './generated/graphql';
import { buildTenant, insertApiToken, insertDomain } from './support/factories';
import { errorCode, ok } from './support/harness';
import { header, inbox, insertIdentity, mail, type SendingEnv, startSendingEnv, tenantWithDomain, uuidOf, waitForStatus } from './support/sending-fixtures';

let env: SendingEnv;
beforeAll(async () => {
  env = await startSendingEnv();
});
afterAll(() => env?.stop());

const send = (input: SendEmailInput, token: string) => env.s.gql(SendEmailDocument, { input }, token);
const messagesOf = (accountId: string) => systemEm(env.s.app.orm).count(Message, { account: accountId });
const jobsFor = async (messageGid: string) =>
  await systemEm(env.s.app.orm)
    .getConnection()
    .execute<{ run_at: Date }[]>('select run_at from graphile_worker.jobs where key = ?', [`deliver:${uuidOf(messageGid)}`]);

describe('validation', () => {
  it('refuses bad input with BAD_USER_INPUT naming the field, and creates nothing', async () => {
    const t = await tenantWithDomain(env);
    const from = `info@${t.domain.name}`;
    const cases: [Partial<SendEmailInput>, string][] = [
      [{ to: [] }, 'to'],
      [{ to: Array.from({ length: 51 }, (_, i) => ({ email: `r${i}@inbox.example.test` })) }, 'to'],
      [{ to: [{ email: 'not-an-address' }] }, 'to[0].email'],
      [{ tags: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'tags'],
      [{ tags: ['no spaces'] }, 'tags'],
      [{ headers: [{ name: 'Bcc', value: 'spy@elsewhere.example' }] }, 'headers[0].name'],
      [{ headers: [{ name: 'X-Mailroom-Tenant', value: 'other' }] }, 'headers[0].name'],
      [{ headers: [{ name: 'X-Ok', value: 'a\r\nBcc: spy@elsewhere.example' }] }, 'headers[0].value'],
      [{ subject: null }, 'subject'],
      [{ html: null, text: null }, 'html'],
      [{ sendAt: new Date(Date.now() + 40 * 86400_000).toISOString() }, 'sendAt'],
      [{ from: { email: 'someone@unknown-domain.example' } }, 'from.email'],
    ];
    for (const [over, field] of cases) {
      const res = await send({ ...mail(from, inbox()), ...over }, t.token);
      expect(res.errors?.[0].extensions, JSON.stringify(over).slice(0, 80)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await messagesOf(t.accountId)).toBe(0);
  });

  it('needs EMAIL_SEND and a token; explains a pending identity and an unverified domain', async () => {
    const t = await tenantWithDomain(env);
    const { secret: readOnly } = await insertApiToken(env.s, { accountId: t.accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid: t.tenantUuid });
    expect(errorCode(await send(mail(`info@${t.domain.name}`, inbox()), readOnly))).toBe('FORBIDDEN');
    expect(errorCode(await env.s.gql(SendEmailDocument, { input: mail(`info@${t.domain.name}`, inbox()) }, null))).toBe('UNAUTHENTICATED');
    const pending = await insertIdentity(env, { accountId: t.accountId, tenantUuid: t.tenantUuid, domain: t.domain, status: SenderIdentityStatus.PENDING });
    expect((await send(mail(pending.email, inbox()), t.token)).errors?.[0]).toMatchObject({ message: expect.stringMatching(/not confirmed/), extensions: { field: 'from.email' } });
    const unverified = await insertDomain(env.s, { accountId: t.accountId, tenantUuid: t.tenantUuid, status: DomainStatus.PENDING });
    expect((await send(mail(`x@${unverified.name}`, inbox()), t.token)).errors?.[0]).toMatchObject({ message: expect.stringMatching(/not verified/), extensions: { field: 'from.email' } });
    expect(await messagesOf(t.accountId)).toBe(0);
  });
});

describe('templates', () => {
  it('renders subject and bodies with the variables, and takes the template’s From', async () => {
    const t = await tenantWithDomain(env);
    const input = {
      domainId: t.domainId,
      name: 'Welcome',
      subject: 'Welcome, {{ user.name }}!',
      html: '<h1>Hi {{ user.name | upcase }}</h1>',
      text: 'Hi {{ user.name }}',
      fromEmail: `hello@${t.domain.name}`,
      fromName: 'Hello Team',
      tags: ['onboarding'],
    };
    const template = ok(await env.s.gql(CreateTemplateDocument, { input }, t.token)).createTemplate.template;
    const to = inbox();
    const [sent] = ok(await send({ to: [{ email: to }], templateId: template.id, variables: { user: { name: 'Ada' } }, tags: ['t1'] }, t.token)).sendEmail.messages;
    const [got] = await env.sink.waitFor(to, 1);
    expect(header(got.raw, 'Subject')).toBe('Welcome, Ada!');
    expect(header(got.raw, 'From')).toBe(`Hello Team <hello@${t.domain.name}>`);
    expect(got.raw).toContain('<h1>Hi ADA</h1>');
    const m = await waitForStatus(env, t.token, sent.id, ['DELIVERED']);
    expect(m.tags).toEqual(['t1', 'onboarding']);

    const bad = ok(await env.s.gql(CreateTemplateDocument, { input: { ...input, name: 'Broken', html: "{% include 'secrets' %}" } }, t.token)).createTemplate.template;
    const res = await send({ to: [{ email: inbox() }], templateId: bad.id }, t.token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'templateId', part: 'html' });
    expect(
      errorCode(await send({ ...mail(`a@${t.domain.name}`, inbox()), subject: null, text: null, html: null, templateId: toGlobalId('Template', '018f0000-0000-7000-8000-000000000000') }, t.token)),
    ).toMatch(/BAD_USER_INPUT|NOT_FOUND/);
  });
});

describe('idempotency', () => {
  it('the same key and body within 24 h returns the same messages and sends once; another body is CONFLICT', async () => {
    const t = await tenantWithDomain(env);
    const to = inbox();
    const input = { ...mail(`info@${t.domain.name}`, to), idempotencyKey: 'order-42' };
    const first = ok(await send(input, t.token)).sendEmail.messages;
    const again = ok(await send({ ...input, html: input.html, tags: null }, t.token)).sendEmail.messages;
    expect(again.map((m) => m.id)).toEqual(first.map((m) => m.id));
    const conflict = await send({ ...input, subject: 'Another subject' }, t.token);
    expect(conflict.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    await waitForStatus(env, t.token, first[0].id, ['DELIVERED']);
    await new Promise((r) => setTimeout(r, 300));
    expect(env.sink.to(to)).toHaveLength(1);
    expect(await messagesOf(t.accountId)).toBe(1);

    // Keys belong to one principal: another token of the same tenant starts fresh.
    const { secret: other } = await insertApiToken(env.s, { accountId: t.accountId, permissions: [Permission.EMAIL_SEND], tenantUuid: t.tenantUuid });
    const theirs = ok(await send(input, other)).sendEmail.messages;
    expect(theirs[0].id).not.toBe(first[0].id);
  });

  it('concurrent calls with one key and body make one set of messages and deliver once', async () => {
    const t = await tenantWithDomain(env);
    const to = inbox();
    const input = { ...mail(`info@${t.domain.name}`, to), idempotencyKey: 'race-7' };
    const answers = await Promise.all([1, 2, 3, 4].map(() => send(input, t.token)));
    const ids = answers.map((a) => ok(a).sendEmail.messages.map((m) => m.id));
    expect(new Set(ids.map((i) => i.join())).size).toBe(1);
    expect(await messagesOf(t.accountId)).toBe(1);
    await waitForStatus(env, t.token, ids[0][0], ['DELIVERED']);
    await new Promise((r) => setTimeout(r, 300));
    expect(env.sink.to(to)).toHaveLength(1);
  });
});

describe('scheduled messages', () => {
  it('waits for sendAt, then delivers', async () => {
    const t = await tenantWithDomain(env);
    const to = inbox();
    const sendAt = new Date(Date.now() + 1500);
    const [sent] = ok(await send({ ...mail(`info@${t.domain.name}`, to), sendAt: sendAt.toISOString() }, t.token)).sendEmail.messages;
    expect(sent.status).toBe('SCHEDULED');
    expect(new Date((await jobsFor(sent.id))[0].run_at).getTime()).toBe(sendAt.getTime());
    expect(env.sink.to(to)).toHaveLength(0);
    const m = await waitForStatus(env, t.token, sent.id, ['DELIVERED']);
    expect(new Date(m.completedAt!).getTime()).toBeGreaterThanOrEqual(sendAt.getTime());
    expect(m.events.map((e) => e.type)).toEqual(['QUEUED', 'DELIVERED']);
  });

  it('cancelScheduledMessage cancels, removes the job, records CANCELLED; only SCHEDULED messages', async () => {
    const t = await tenantWithDomain(env);
    const [sent] = ok(await send({ ...mail(`info@${t.domain.name}`, inbox()), sendAt: new Date(Date.now() + 3600_000).toISOString() }, t.token)).sendEmail.messages;
    expect(await jobsFor(sent.id)).toHaveLength(1);
    const cancelled = ok(await env.s.gql(CancelScheduledMessageDocument, { input: { id: sent.id } }, t.token)).cancelScheduledMessage.message;
    expect(cancelled).toEqual({ id: sent.id, status: 'CANCELLED' });
    expect(await jobsFor(sent.id)).toHaveLength(0);
    const m = await waitForStatus(env, t.token, sent.id, ['CANCELLED']);
    expect(m.events.map((e) => e.type)).toEqual(['QUEUED', 'CANCELLED']);
    const twice = await env.s.gql(CancelScheduledMessageDocument, { input: { id: sent.id } }, t.token);
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('renders a scheduled template when due: edits apply, a deleted template is RENDER_FAILED', async () => {
    const t = await tenantWithDomain(env);
    const create = (name: string) => env.s.gql(CreateTemplateDocument, { input: { domainId: t.domainId, name, subject: 'v1 {{ n }}', text: 'n={{ n }}' } }, t.token);
    const kept = ok(await create('kept')).createTemplate.template;
    const gone = ok(await create('gone')).createTemplate.template;
    const sendAt = new Date(Date.now() + 1500).toISOString();
    const [a, b] = [inbox(), inbox()];
    const [ma] = ok(await send({ from: { email: `info@${t.domain.name}` }, to: [{ email: a }], templateId: kept.id, variables: { n: 7 }, sendAt }, t.token)).sendEmail.messages;
    const [mb] = ok(await send({ from: { email: `info@${t.domain.name}` }, to: [{ email: b }], templateId: gone.id, variables: { n: 8 }, sendAt }, t.token)).sendEmail.messages;
    ok(await env.s.gql(UpdateTemplateDocument, { input: { id: kept.id, subject: 'v2 {{ n }}' } }, t.token));
    ok(await env.s.gql(DeleteTemplateDocument, { input: { id: gone.id } }, t.token));
    const [got] = await env.sink.waitFor(a, 1);
    expect(header(got.raw, 'Subject')).toBe('v2 7');
    expect((await waitForStatus(env, t.token, ma.id, ['DELIVERED'])).subject).toBe('v2 7');
    const failed = await waitForStatus(env, t.token, mb.id, ['RENDER_FAILED']);
    expect(failed.events.map((e) => e.type)).toEqual(['QUEUED', 'RENDER_FAILED']);
    expect(failed.events[1].details).toMatchObject({ reason: expect.stringMatching(/template was deleted/) });
    expect(env.sink.to(b)).toHaveLength(0);
  });
});

describe('isolation between clients', () => {
  it('a tenant-B token cannot send as tenant A’s domain or identity, nor cancel A’s message, and learns nothing', async () => {
    const a = await tenantWithDomain(env);
    const identityA = await insertIdentity(env, { accountId: a.accountId, tenantUuid: a.tenantUuid, domain: a.domain });
    const tenantB = await buildTenant(env.s, a.adminToken, 'Client B');
    const { secret: tokenB } = await insertApiToken(env.s, { accountId: a.accountId, permissions: [Permission.EMAIL_SEND, Permission.ACTIVITY_READ], tenantUuid: uuidOf(tenantB, 'Tenant') });
    const otherAccount = await env.s.newAccount();
    const unknown = await send(mail('x@never-registered.example', inbox()), tokenB);
    for (const token of [tokenB, otherAccount.adminToken]) {
      for (const from of [`info@${a.domain.name}`, identityA.email]) {
        const res = await send(mail(from, inbox()), token);
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from.email' });
        expect(res.errors?.[0].message).toBe(unknown.errors?.[0].message);
      }
    }
    expect(await messagesOf(a.accountId)).toBe(0);
    expect(await messagesOf(otherAccount.accountId)).toBe(0);

    const [scheduled] = ok(await send({ ...mail(`info@${a.domain.name}`, inbox()), sendAt: new Date(Date.now() + 3600_000).toISOString() }, a.token)).sendEmail.messages;
    for (const token of [tokenB, otherAccount.adminToken]) {
      const res = await env.s.gql(CancelScheduledMessageDocument, { input: { id: scheduled.id } }, token);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
      expect(res.errors?.[0].message).toBe('Message not found');
    }
    expect((await waitForStatus(env, a.token, scheduled.id, ['SCHEDULED'])).status).toBe('SCHEDULED');
  });
});
