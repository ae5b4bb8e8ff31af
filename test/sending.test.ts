import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { verifyUnsubscribeToken } from '../src/modules/sending/links';
import { Domain } from '../src/modules/domains/domain.entity';
import { Message } from '../src/modules/sending/message.entity';
import { SendEmailDocument, SendingMessageDocument } from './generated/graphql';
import { insertApiToken } from './support/factories';
import { ok } from './support/harness';
import {
  addVerifiedDomain,
  header,
  inbox,
  insertIdentity,
  mail,
  publishDkim,
  type SendingEnv,
  startSendingEnv,
  tenantWithDomain,
  uuidOf,
  verifyWithMailauth,
  waitForStatus,
} from './support/sending-fixtures';

let env: SendingEnv;
beforeAll(async () => {
  env = await startSendingEnv();
});
afterAll(() => env?.stop());

const types = (m: { events: { type: string }[] }) => m.events.map((e) => e.type);

describe('direct delivery', () => {
  it('delivers to the MX on loopback, DKIM-signed with the key addDomain published (verified by mailauth), with VERP, Message-ID and one-click unsubscribe', async () => {
    const t = await tenantWithDomain(env);
    const domain = await addVerifiedDomain(env, t.adminToken, t.tenantId);
    const to = inbox();
    const sent = ok(await env.s.gql(SendEmailDocument, { input: mail(`news@${domain.name}`, to, { tags: ['welcome'], headers: [{ name: 'X-Campaign', value: 'spring' }] }) }, t.token)).sendEmail
      .messages;
    expect(sent).toEqual([{ id: expect.any(String), recipient: to, status: 'QUEUED' }]);

    const [got] = await env.sink.waitFor(to, 1);
    const m = await waitForStatus(env, t.token, sent[0].id, ['DELIVERED']);
    const row = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: uuidOf(sent[0].id) });
    expect(got.mailFrom).toBe(`bounce+${row.verpToken}@mr.${domain.name}`);
    expect(row.verpToken).toMatch(/^[0-9a-f]{32}$/);
    expect(got.secure).toBe(true); // opportunistic STARTTLS with the sink's self-signed certificate

    const auth = await verifyWithMailauth(env, got.raw, got.mailFrom);
    expect(auth.dkim.results).toHaveLength(1);
    expect(auth.dkim.results[0]).toMatchObject({ signingDomain: domain.name, selector: domain.dkimSelector, status: { result: 'pass' } });
    const signed = String(header(got.raw, 'DKIM-Signature')).replace(/\s+/g, '');
    expect(signed).toMatch(/h=[^;]*List-Unsubscribe:List-Unsubscribe-Post/i);

    expect(header(got.raw, 'Message-ID')).toBe(`<${row.id}@${domain.name}>`);
    expect(m.messageIdHeader).toBe(`<${row.id}@${domain.name}>`);
    const unsubscribe = header(got.raw, 'List-Unsubscribe')!;
    const prefix = `<${env.s.app.config.publicUrl}/u/`;
    expect(unsubscribe.startsWith(prefix) && unsubscribe.endsWith('>')).toBe(true);
    expect(verifyUnsubscribeToken(env.s.app.config.secret, unsubscribe.slice(prefix.length, -1))).toBe(row.id);
    expect(header(got.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header(got.raw, 'X-Campaign')).toBe('spring');
    expect(header(got.raw, 'From')).toBe(`Sender <news@${domain.name}>`);
    expect(header(got.raw, 'Return-Path')).toBeNull(); // the receiving MTA adds it from the envelope

    expect(types(m)).toEqual(['QUEUED', 'DELIVERED']);
    expect(m.events[1].details).toMatchObject({ response: expect.stringMatching(/^250/), host: '127.0.0.1', attempt: 1 });
    expect(m).toMatchObject({ tags: ['welcome'], lastResponse: expect.stringMatching(/^250/), completedAt: expect.any(String) });
    expect(m.raw).toBe(got.raw);
  });

  it('sends one copy per recipient with the same visible To and Cc, and never shows Bcc', async () => {
    const t = await tenantWithDomain(env);
    const [a, b, c, hidden] = [inbox('a'), inbox('b'), inbox('c'), inbox('hidden')];
    const input = mail(`team@${t.domain.name}`, a, { to: [{ email: a }, { email: b.toUpperCase(), name: 'Bee' }], cc: [{ email: c }, { email: a }], bcc: [{ email: hidden }] });
    const sent = ok(await env.s.gql(SendEmailDocument, { input }, t.token)).sendEmail.messages;
    expect(sent.map((m) => m.recipient)).toEqual([a, b, c, hidden]);
    expect(new Set(sent.map((m) => m.id)).size).toBe(4);
    for (const r of [a, b, c, hidden]) {
      const [got] = await env.sink.waitFor(r, 1);
      expect(got.rcptTo).toEqual([r]);
      expect(header(got.raw, 'To')).toBe(`${a}, Bee <${b}>`);
      expect(header(got.raw, 'Cc')).toBe(`${c}, ${a}`);
      expect(header(got.raw, 'Bcc')).toBeNull();
      expect(got.raw.split('\r\n\r\n')[0]).not.toContain(hidden);
    }
  });

  it('sends as a confirmed sender identity: From is the identity, DKIM d= and the envelope are the agency domain', async () => {
    const t = await tenantWithDomain(env);
    const agency = await addVerifiedDomain(env, t.adminToken, null);
    const agencyRow = await systemEm(env.s.app.orm).findOneOrFail(Domain, { name: agency.name });
    const identity = await insertIdentity(env, { accountId: t.accountId, tenantUuid: t.tenantUuid, domain: agencyRow, replyToEmail: 'desk@client-owned.example' });
    const { secret: idToken } = await insertApiToken(env.s, {
      accountId: t.accountId,
      permissions: [Permission.EMAIL_SEND, Permission.ACTIVITY_READ, Permission.ACTIVITY_CONTENT_READ],
      identityUuid: identity.id,
    });
    const to = inbox();
    const sent = ok(await env.s.gql(SendEmailDocument, { input: { from: { email: identity.email }, to: [{ email: to }], subject: 'From me', text: 'hello' } }, idToken)).sendEmail.messages;
    const [got] = await env.sink.waitFor(to, 1);
    expect(header(got.raw, 'From')).toBe(`Client Person <${identity.email}>`);
    expect(header(got.raw, 'Reply-To')).toBe('desk@client-owned.example');
    expect(header(got.raw, 'Sender')).toBeNull();
    expect(got.mailFrom).toMatch(new RegExp(`^bounce\\+[0-9a-f]{32}@mr\\.${agency.name.replace(/\./g, '\\.')}$`));
    const auth = await verifyWithMailauth(env, got.raw, got.mailFrom);
    expect(auth.dkim.results[0]).toMatchObject({ signingDomain: agency.name, status: { result: 'pass' } });
    const row = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: uuidOf(sent[0].id) });
    expect(row).toMatchObject({ tenant: { id: t.tenantUuid }, senderIdentity: { id: identity.id }, domain: { id: agencyRow.id } });
    expect(types(await waitForStatus(env, idToken, sent[0].id, ['DELIVERED']))).toEqual(['QUEUED', 'DELIVERED']);
  });
});

describe('SMTP results', () => {
  it('4xx defers and retries with backoff until the server accepts', async () => {
    const t = await tenantWithDomain(env);
    const to = inbox('busy');
    env.sink.reply(to, { code: 451, message: 'Try again later' });
    const [sent] = ok(await env.s.gql(SendEmailDocument, { input: mail(`info@${t.domain.name}`, to) }, t.token)).sendEmail.messages;
    const deferred = await waitForStatus(env, t.token, sent.id, ['DEFERRED']);
    expect(deferred.lastResponse).toMatch(/^451/);
    expect(deferred.events[1]).toMatchObject({ type: 'DEFERRED', details: { response: expect.stringMatching(/^451/), attempt: 1, retryAt: expect.any(String) } });
    env.sink.reply(to, null);
    const done = await waitForStatus(env, t.token, sent.id, ['DELIVERED']);
    expect(types(done).filter((x) => x !== 'DEFERRED')).toEqual(['QUEUED', 'DELIVERED']);
    expect(types(done).filter((x) => x === 'DEFERRED').length).toBeGreaterThanOrEqual(1);
    expect(env.sink.to(to)).toHaveLength(1);
  });

  it('5xx hard-bounces at once and keeps the server’s reply', async () => {
    const t = await tenantWithDomain(env);
    const to = inbox('gone');
    env.sink.reply(to, { code: 550, message: '5.1.1 No such user here' });
    const [sent] = ok(await env.s.gql(SendEmailDocument, { input: mail(`info@${t.domain.name}`, to) }, t.token)).sendEmail.messages;
    const m = await waitForStatus(env, t.token, sent.id, ['HARD_BOUNCED']);
    expect(m.lastResponse).toMatch(/^550 5\.1\.1 No such user here/);
    expect(m.events.map((e) => e.type)).toEqual(['QUEUED', 'HARD_BOUNCED']);
    expect(m.events[1].details).toMatchObject({ response: expect.stringContaining('No such user here') });
    expect(env.sink.to(to)).toHaveLength(0);
  });

  it('soft-bounces a message still failing when its retry window is over', async () => {
    const t = await tenantWithDomain(env);
    const to = inbox('full');
    env.sink.reply(to, { code: 452, message: 'Mailbox full' });
    const [sent] = ok(await env.s.gql(SendEmailDocument, { input: mail(`info@${t.domain.name}`, to) }, t.token)).sendEmail.messages;
    await waitForStatus(env, t.token, sent.id, ['DEFERRED']);
    await systemEm(env.s.app.orm).nativeUpdate(Message, { id: uuidOf(sent.id) }, { createdAt: new Date(Date.now() - 73 * 3600_000) });
    const m = await waitForStatus(env, t.token, sent.id, ['SOFT_BOUNCED']);
    expect(m.lastResponse).toMatch(/^452/);
    expect(types(m).at(-1)).toBe('SOFT_BOUNCED');
    env.sink.reply(to, null);
  });

  it('a recipient domain without a reachable mail host is deferred, not lost', async () => {
    const t = await tenantWithDomain(env);
    env.dns.set('nomx.example.test', [{ type: 'TXT', value: 'no mail here' }]);
    const [sent] = ok(await env.s.gql(SendEmailDocument, { input: mail(`info@${t.domain.name}`, 'someone@nomx.example.test') }, t.token)).sendEmail.messages;
    const m = await waitForStatus(env, t.token, sent.id, ['DEFERRED']);
    expect(m.lastResponse).toMatch(/No address found for mail host nomx\.example\.test|could be reached/);
  });

  it('a null MX (RFC 7505) hard-bounces without a connection', async () => {
    const t = await tenantWithDomain(env);
    publishDkim(env, t.domain);
    env.dns.set('nullmx.example.test', [{ type: 'MX', value: '.', priority: 0 }]);
    const [sent] = ok(await env.s.gql(SendEmailDocument, { input: mail(`info@${t.domain.name}`, 'someone@nullmx.example.test') }, t.token)).sendEmail.messages;
    const m = await waitForStatus(env, t.token, sent.id, ['HARD_BOUNCED']);
    expect(m.lastResponse).toMatch(/accepts no mail/);
    const again = ok(await env.s.gql(SendingMessageDocument, { id: sent.id }, t.token)).message;
    expect(again.events.map((e) => e.type)).toEqual(['QUEUED', 'HARD_BOUNCED']);
  });
});
