import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { simpleParser } from 'mailparser';
import { createTransport, type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { MessageAttachment } from '../src/modules/attachments/message-attachment.entity';
import { Message } from '../src/modules/sending/message.entity';
import { CreateSmtpUserDocument, SendEmailDocument, UpdateSmtpUserDocument } from './generated/graphql';
import { buildTenant } from './support/factories';
import { ok } from './support/harness';
import { addVerifiedDomain, inbox, mail, type SendingEnv, startSendingEnv, tenantWithDomain, uuidOf, verifyWithMailauth, waitForStatus } from './support/sending-fixtures';

const TLS_DIR = join(__dirname, 'fixtures', 'smtp-tls');
const CA = readFileSync(join(TLS_DIR, 'cert.pem'));

let env: SendingEnv;
beforeAll(async () => {
  // A 3 MiB message limit, so a test can pass it.
  env = await startSendingEnv({
    smtpSubmissionPort: 0,
    smtpSubmissionTlsPort: 0,
    smtpTlsCert: join(TLS_DIR, 'cert.pem'),
    smtpTlsKey: join(TLS_DIR, 'key.pem'),
    smtpSubmissionMaxBytes: 3 * 1024 * 1024,
  });
});
afterAll(() => env?.stop());

/** A nodemailer transport to the submission server: STARTTLS required (or implicit TLS), the fixture certificate trusted. */
function transport(auth: { user: string; pass: string }, o: { implicit?: boolean; noTls?: boolean } = {}) {
  const port = o.implicit ? env.s.app.smtpSubmissionTlsPort! : env.s.app.smtpSubmissionPort!;
  return createTransport({
    host: '127.0.0.1',
    port,
    secure: o.implicit === true,
    requireTLS: !o.implicit && !o.noTls,
    ignoreTLS: o.noTls === true,
    tls: { ca: CA, servername: 'localhost' },
    auth,
  });
}

async function send(auth: { user: string; pass: string }, message: SendMailOptions, o: { implicit?: boolean; noTls?: boolean } = {}) {
  const t = transport(auth, o);
  try {
    return await t.sendMail(message);
  } finally {
    t.close();
  }
}

const queuedId = (response: string) => /queued as (\S+)/.exec(response)![1];
const ADD_SUPPRESSIONS = 'mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { suppressions { id } } }';
const EVENTS = 'query($id: ID!) { message(id: $id) { recipient status events { type details } } }';

/** A client with a verified domain (DKIM published in the test DNS) and an SMTP user for it. */
async function client() {
  const t = await tenantWithDomain(env);
  const domain = await addVerifiedDomain(env, t.adminToken, t.tenantId);
  const created = ok(await env.s.gql(CreateSmtpUserDocument, { input: { name: 'App', domainId: domain.id } }, t.adminToken)).createSmtpUser;
  return { ...t, domain, smtpUserId: created.smtpUser.id, auth: { user: created.username, pass: created.password } };
}

describe('SMTP submission', () => {
  it('nodemailer submits with STARTTLS and AUTH; the message is delivered DKIM-signed, with its tags and headers, and the reply names it', async () => {
    const c = await client();
    const to = inbox();
    const info = await send(c.auth, {
      from: { name: 'Shop', address: `orders@${c.domain.name}` },
      to,
      subject: 'Your order',
      text: 'Thanks for your order',
      html: '<p>Thanks for your order</p>',
      headers: { 'X-Mailroom-Tags': 'orders', 'X-Order': '42' },
    });
    expect(info.accepted).toEqual([to]);
    const gid = queuedId(info.response);
    const [got] = await env.sink.waitFor(to, 1);
    const m = await waitForStatus(env, c.token, gid, ['DELIVERED']);
    expect(m).toMatchObject({ recipient: to, fromEmail: `orders@${c.domain.name}`, subject: 'Your order', tags: ['orders'] });
    const auth = await verifyWithMailauth(env, got.raw, got.mailFrom);
    expect(auth.dkim.results[0]).toMatchObject({ signingDomain: c.domain.name, status: { result: 'pass' } });
    expect(got.raw).toContain('X-Order: 42');
    expect(got.raw).toContain('Thanks for your order');
  });

  it('implicit TLS works on the TLS port; X-Mailroom-Send-At schedules the message', async () => {
    const c = await client();
    const at = new Date(Date.now() + 3600_000);
    const info = await send(c.auth, { from: `news@${c.domain.name}`, to: inbox(), subject: 'Later', text: 'Later', headers: { 'X-Mailroom-Send-At': at.toISOString() } }, { implicit: true });
    const row = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: uuidOf(queuedId(info.response)) });
    expect(row.status).toBe('SCHEDULED');
    expect(row.sendAt?.toISOString()).toBe(at.toISOString());
  });

  it('a wrong password is 535; a disabled user is 535; AUTH before STARTTLS is refused', async () => {
    const c = await client();
    const msg = { from: `news@${c.domain.name}`, to: inbox(), subject: 'x', text: 'x' };
    await expect(send({ user: c.auth.user, pass: `${c.auth.pass}x` }, msg)).rejects.toMatchObject({ responseCode: 535 });
    await expect(send({ user: 'smtp_unknown', pass: c.auth.pass }, msg)).rejects.toMatchObject({ responseCode: 535 });
    // Without TLS the server does not offer AUTH at all (smtp-server answers 538: STARTTLS first).
    await expect(send(c.auth, msg, { noTls: true })).rejects.toMatchObject({ responseCode: 538 });
    ok(await env.s.gql(UpdateSmtpUserDocument, { input: { id: c.smtpUserId, enabled: false } }, c.adminToken));
    await expect(send(c.auth, msg)).rejects.toMatchObject({ responseCode: 535 });
    expect(await systemEm(env.s.app.orm).count(Message, { account: c.accountId })).toBe(0);
  });

  it("client A's credential cannot send from client B's addresses (550 with the reason); an executable attachment is refused with 550", async () => {
    const a = await client();
    const tenantB = await buildTenant(env.s, a.adminToken, 'Client B');
    const domainB = await addVerifiedDomain(env, a.adminToken, tenantB);
    const refused = send(a.auth, { from: `ceo@${domainB.name}`, to: inbox(), subject: 'x', text: 'x' });
    await expect(refused).rejects.toMatchObject({ responseCode: 550 });
    await expect(refused).rejects.toThrow(/Sender not allowed for this SMTP user: from.email must be a confirmed sender identity or an address on a verified domain/);
    const withExe = send(a.auth, { from: `news@${a.domain.name}`, to: inbox(), subject: 'x', text: 'x', attachments: [{ filename: 'setup.exe', content: 'MZ' }] });
    await expect(withExe).rejects.toMatchObject({ responseCode: 550 });
    await expect(withExe).rejects.toThrow(/attachments\[0\]\.filename: Files of type \.exe are not allowed/);
    expect(await systemEm(env.s.app.orm).count(Message, { account: a.accountId })).toBe(0);
  });

  it('AUTH LOGIN (not only PLAIN) works after STARTTLS; a wrong password over LOGIN is 535', async () => {
    const c = await client();
    // nodemailer's transaction log: what the client sent (tnx client) and the server answered (tnx server).
    const transcript: { tnx: unknown; line: string }[] = [];
    const record = (data: { tnx?: unknown } | undefined, message: string, ...args: unknown[]) => void transcript.push({ tnx: data?.tnx, line: format(message, ...args) });
    const logger = { trace: record, debug: record, info: record, warn: record, error: record, fatal: record };
    const login = (pass: string) =>
      createTransport({
        host: '127.0.0.1',
        port: env.s.app.smtpSubmissionPort!,
        requireTLS: true,
        tls: { ca: CA, servername: 'localhost' },
        auth: { user: c.auth.user, pass },
        authMethod: 'LOGIN',
        logger,
        debug: true,
      });
    const msg = { from: `news@${c.domain.name}`, to: inbox(), subject: 'Login', text: 'Login' };
    const t = login(c.auth.pass);
    try {
      const info = await t.sendMail(msg);
      const row = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: uuidOf(queuedId(info.response)) });
      expect(row).toMatchObject({ recipient: msg.to, subject: 'Login' });
    } finally {
      t.close();
    }
    // The session went STARTTLS, then AUTH LOGIN (no PLAIN), and the server took it.
    const sent = transcript.filter((t) => t.tnx === 'client').map((t) => t.line);
    expect(sent.indexOf('STARTTLS'), JSON.stringify(sent)).toBeGreaterThanOrEqual(0);
    expect(sent.indexOf('AUTH LOGIN')).toBeGreaterThan(sent.indexOf('STARTTLS'));
    expect(sent.some((l) => l.startsWith('AUTH PLAIN'))).toBe(false);
    expect(transcript.some((t) => t.tnx === 'server' && /^235 /.test(t.line))).toBe(true);
    const wrong = login(`${c.auth.pass}x`);
    try {
      await expect(wrong.sendMail({ ...msg, to: inbox() })).rejects.toMatchObject({ responseCode: 535 });
    } finally {
      wrong.close();
    }
    expect(await systemEm(env.s.app.orm).count(Message, { account: c.accountId })).toBe(1);
  });

  it('a suppressed recipient is treated as sendEmail treats it: the message is accepted, that copy SUPPRESSED with its event and never delivered', async () => {
    const c = await client();
    const [fine, blocked] = [inbox('fine'), inbox('blocked')];
    ok(await env.s.gql(ADD_SUPPRESSIONS, { input: { list: 'BLOCKLIST', domainId: c.domain.id, recipients: [blocked] } }, c.adminToken));
    const outcome = async (gid: string) => {
      const m = ok(await env.s.gql(EVENTS, { id: gid }, c.token)) as { message: { recipient: string; status: string; events: { type: string; details: unknown }[] } };
      return { ...m.message, events: m.message.events.map((e) => ({ type: e.type, details: e.details })) };
    };
    // The same two recipients through sendEmail and over SMTP (one message, To and Cc).
    const api = ok(await env.s.gql(SendEmailDocument, { input: mail(`news@${c.domain.name}`, fine, { cc: [{ email: blocked }] }) }, c.token)).sendEmail.messages;
    expect(api.map((m) => [m.recipient, m.status])).toEqual([
      [fine, 'QUEUED'],
      [blocked, 'SUPPRESSED'],
    ]);
    const info = await send(c.auth, { from: `news@${c.domain.name}`, to: fine, cc: blocked, subject: 'Hello', text: 'Hi there' });
    expect(info.response).toMatch(/^250 .*queued as \S+ \(\+1 more\)/);
    const rows = await systemEm(env.s.app.orm).find(Message, { account: c.accountId, recipient: blocked }, { orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => r.status)).toEqual(['SUPPRESSED', 'SUPPRESSED']);
    const [viaApi, viaSmtp] = await Promise.all(rows.map((r) => outcome(r.gid)));
    expect(viaSmtp).toEqual(viaApi);
    expect(viaSmtp.events.map((e) => e.type)).toEqual(['SUPPRESSED']);
    // Both copies to the fine address arrive; none to the suppressed one.
    await env.sink.waitFor(fine, 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(env.sink.messages.filter((m) => m.rcptTo.includes(blocked))).toEqual([]);
  });

  it('a message with a file and an inline image is delivered with them, DKIM-signed, and message(id) lists them', async () => {
    const c = await client();
    const to = inbox();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('fake-image')]);
    const info = await send(c.auth, {
      from: `billing@${c.domain.name}`,
      to,
      subject: 'Invoice',
      html: '<p>Invoice attached <img src="cid:logo@shop"></p>',
      attachments: [
        { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4 invoice'), contentType: 'application/pdf' },
        { filename: 'logo.png', content: png, cid: 'logo@shop' },
      ],
    });
    const [got] = await env.sink.waitFor(to, 1);
    const auth = await verifyWithMailauth(env, got.raw, got.mailFrom);
    expect(auth.dkim.results[0]).toMatchObject({ signingDomain: c.domain.name, status: { result: 'pass' } });
    const parsed = await simpleParser(got.raw, { keepCidLinks: true });
    expect(parsed.html).toContain('cid:logo@shop');
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.cid ?? null, a.content.toString('base64')])).toEqual(
      expect.arrayContaining([
        ['invoice.pdf', 'application/pdf', null, Buffer.from('%PDF-1.4 invoice').toString('base64')],
        ['logo.png', 'image/png', 'logo@shop', png.toString('base64')],
      ]),
    );
    const m = await env.s.gql<any, any>(`query($id: ID!) { message(id: $id) { attachments { filename disposition contentId } } }`, { id: queuedId(info.response) }, c.token);
    expect(m.data.message.attachments).toEqual(
      expect.arrayContaining([
        { filename: 'invoice.pdf', disposition: 'ATTACHMENT', contentId: null },
        { filename: 'logo.png', disposition: 'INLINE', contentId: 'logo@shop' },
      ]),
    );
  });

  it('a message is parsed as it streams in: one near the limit is accepted with its file; one past it is 552 and stores nothing', async () => {
    const c = await client();
    const pdf = (mb: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(mb * 1024 * 1024, 0x41)]);
    const to = inbox();
    const info = await send(c.auth, { from: `app@${c.domain.name}`, to, subject: 'Near the limit', text: 'x', attachments: [{ filename: 'big.pdf', content: pdf(2) }] });
    const stored = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: uuidOf(queuedId(info.response)) });
    expect(stored.recipient).toBe(to);
    expect(await systemEm(env.s.app.orm).count(MessageAttachment, { message: stored.id, size: 2 * 1024 * 1024 + 9 })).toBe(1);
    const before = await systemEm(env.s.app.orm).count(Message, { account: c.accountId });
    const err = await send(c.auth, {
      from: `app@${c.domain.name}`,
      to: inbox(),
      subject: 'Too big',
      text: 'x',
      attachments: [{ filename: 'huge.pdf', content: pdf(4) }],
      size: undefined,
    } as never).then(
      () => null,
      (e: { responseCode?: number; response?: string }) => e,
    );
    expect(err?.responseCode).toBe(552);
    expect(err?.response).toMatch(/5\.3\.4/);
    expect(await systemEm(env.s.app.orm).count(Message, { account: c.accountId })).toBe(before);
  });

  it('a message split per recipient (Bcc only) is accepted whole or refused whole: the second refused stores nothing for the first', async () => {
    const c = await client();
    const [first, second] = [inbox('bcc1'), inbox('bcc2')];
    const msg = { from: `news@${c.domain.name}`, subject: 'Bcc only', text: 'Hidden' };
    const refused = await send(c.auth, { ...msg, bcc: [first, 'nobody@localhost'] }).then(
      () => null,
      (e: { responseCode?: number; response?: string }) => e,
    );
    expect(refused?.responseCode).toBe(550);
    expect(refused?.response).toMatch(/5\.6\.0 to\[0\]\.email: to\[0\]\.email has an invalid domain/);
    expect(await systemEm(env.s.app.orm).count(Message, { account: c.accountId })).toBe(0);
    // The same message to two valid addresses: one copy each, both accepted in one reply.
    const info = await send(c.auth, { ...msg, bcc: [first, second] });
    expect(info.response).toMatch(/queued as \S+ \(\+1 more\)/);
    const rows = await systemEm(env.s.app.orm).find(Message, { account: c.accountId }, { orderBy: { recipient: 'asc' } });
    expect(rows.map((r) => [r.recipient, r.recipientKind, r.addressing.to.map((a) => a.email)])).toEqual([
      [first, 'to', [first]],
      [second, 'to', [second]],
    ]);
  });

  it('envelope recipients decide who gets a copy: To and Cc as in the headers, the rest Bcc (never shown)', async () => {
    const c = await client();
    const [to, cc, bcc] = [inbox('to'), inbox('cc'), inbox('bcc')];
    const info = await send(c.auth, { from: `news@${c.domain.name}`, to, cc, bcc, subject: 'Three', text: 'Three' });
    expect(info.response).toMatch(/queued as \S+ \(\+2 more\)/);
    const rows = await systemEm(env.s.app.orm).find(Message, { account: c.accountId }, { orderBy: { recipient: 'asc' } });
    expect(rows.map((r) => [r.recipient, r.recipientKind])).toEqual(
      [
        [bcc, 'bcc'],
        [cc, 'cc'],
        [to, 'to'],
      ].sort((x, y) => x[0].localeCompare(y[0])),
    );
    const [got] = await env.sink.waitFor(bcc, 1);
    expect(got.raw).not.toContain(bcc.split('@')[0]);
  });
});
