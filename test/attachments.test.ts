import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { rowScope, type Scope } from '../src/auth/scope';
import { systemEm } from '../src/context';
import { createLogger } from '../src/lib/logger';
import { applyRetention } from '../src/modules/retention/apply-retention';
import { attachmentContents } from '../src/modules/attachments/attachment.queries';
import { MessageAttachment } from '../src/modules/attachments/message-attachment.entity';
import { BulkSend } from '../src/modules/sending/bulk-send.entity';
import { Message } from '../src/modules/sending/message.entity';
import { SendEmailDocument, type SendEmailInput } from './generated/graphql';
import { buildTenant, insertApiToken, insertDomain } from './support/factories';
import { errorCode, ok } from './support/harness';
import { inbox, mail, publishDkim, type SendingEnv, startSendingEnv, tenantWithDomain, uuidOf, verifyWithMailauth, waitForStatus } from './support/sending-fixtures';

const MAX = 64 * 1024;
let env: SendingEnv;
beforeAll(async () => {
  env = await startSendingEnv({ maxAttachmentBytes: MAX });
});
afterAll(() => env?.stop());

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-fake-image-bytes')]);
const b64 = (b: Buffer) => b.toString('base64');
const files = (): SendEmailInput['attachments'] => [
  { filename: 'reports/Invoice 42.pdf', content: b64(PDF), contentType: 'application/pdf' },
  { filename: 'logo.png', content: b64(PNG), disposition: 'INLINE', contentId: 'logo@shop' },
];

const MESSAGE = `query($id: ID!) { message(id: $id) { id raw attachments { filename contentType size disposition contentId } } }`;
const META = `query($id: ID!) { message(id: $id) { id attachments { filename contentType size disposition contentId } } }`;
const CONTENT = `query($id: ID!) { message(id: $id) { id attachments { filename content } } }`;

async function blobCount(accountId: string): Promise<number> {
  const rows = await systemEm(env.s.app.orm).execute<{ n: string }[]>('select count(*) as n from attachment_blobs where account_id = ?', [accountId]);
  return Number(rows[0].n);
}

describe('attachments', () => {
  it('round-trip: a file and an inline image reach the MX DKIM-signed, as sent, and message(id) lists them', async () => {
    const t = await tenantWithDomain(env);
    publishDkim(env, t.domain);
    const to = inbox();
    const input = mail(`shop@${t.domain.name}`, to, { html: '<p>Thanks <img src="cid:logo@shop"></p>', attachments: files() });
    const [sent] = ok(await env.s.gql(SendEmailDocument, { input }, t.token)).sendEmail.messages;
    const [got] = await env.sink.waitFor(to, 1);
    await waitForStatus(env, t.token, sent.id, ['DELIVERED']);

    const auth = await verifyWithMailauth(env, got.raw, got.mailFrom);
    expect(auth.dkim.results[0]).toMatchObject({ signingDomain: t.domain.name, status: { result: 'pass' } });
    const parsed = await simpleParser(got.raw, { keepCidLinks: true });
    expect(parsed.html).toContain('src="cid:logo@shop"');
    const [pdf, png] = [parsed.attachments.find((a) => a.filename === 'Invoice 42.pdf')!, parsed.attachments.find((a) => a.cid === 'logo@shop')!];
    expect(pdf).toMatchObject({ contentType: 'application/pdf', contentDisposition: 'attachment' });
    expect(pdf.content.equals(PDF)).toBe(true);
    expect(png).toMatchObject({ contentType: 'image/png', contentDisposition: 'inline', filename: 'logo.png', related: true });
    expect(png.content.equals(PNG)).toBe(true);

    const m = (await env.s.gql<any, any>(MESSAGE, { id: sent.id }, t.token)).data.message;
    expect(m.attachments).toEqual([
      { filename: 'Invoice 42.pdf', contentType: 'application/pdf', size: PDF.length, disposition: 'ATTACHMENT', contentId: null },
      { filename: 'logo.png', contentType: 'image/png', size: PNG.length, disposition: 'INLINE', contentId: 'logo@shop' },
    ]);
    // The signed MIME is not kept per message (the bytes are stored once): it is built for each attempt.
    expect(m.raw).toBeNull();
    const c = ok(await env.s.gql<any, any>(CONTENT, { id: sent.id }, t.token)).message;
    expect(c.attachments.map((a: { content: string }) => Buffer.from(a.content, 'base64'))).toEqual([PDF, PNG]);
  });

  it('refuses executables, contradicted types and names, and too much, naming the field; nothing is stored', async () => {
    const t = await tenantWithDomain(env);
    const send = (attachments: SendEmailInput['attachments']) => env.s.gql(SendEmailDocument, { input: mail(`shop@${t.domain.name}`, inbox(), { attachments }) }, t.token);
    const cases: [SendEmailInput['attachments'], string][] = [
      [[{ filename: 'setup.exe', content: b64(PDF) }], 'attachments[0].filename'],
      [
        [
          { filename: 'ok.pdf', content: b64(PDF) },
          { filename: 'script.vbs', content: b64(Buffer.from('x')) },
        ],
        'attachments[1].filename',
      ],
      [[{ filename: 'tool.dat', content: b64(Buffer.from('MZ\x90\x00\x03\x00')) }], 'attachments[0].content'],
      [[{ filename: 'photo.png', content: b64(PDF), contentType: 'image/png' }], 'attachments[0].contentType'],
      [[{ filename: 'invoice.pdf', content: b64(Buffer.from('plain text, not a PDF')) }], 'attachments[0].filename'],
      [[{ filename: 'logo.png', content: b64(PNG), disposition: 'INLINE' }], 'attachments[0].contentId'],
      [[{ filename: 'a.txt', content: '%%% not base64' }], 'attachments[0].content'],
      [[{ filename: 'big.txt', content: b64(Buffer.alloc(MAX + 1, 'a')) }], 'attachments'],
    ];
    for (const [attachments, field] of cases) {
      const res = await send(attachments);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.data ?? null).toBeNull();
    }
    const em = systemEm(env.s.app.orm);
    expect(await em.count(Message, { account: t.accountId })).toBe(0);
    expect(await em.count(MessageAttachment, { account: t.accountId })).toBe(0);
    expect(await blobCount(t.accountId)).toBe(0);
  });

  it('one file to many recipients (a sendEmail and a bulk send) is stored once; each message links it', async () => {
    const t = await tenantWithDomain(env);
    const attachments = [{ filename: 'ticket.pdf', content: b64(PDF) }];
    const many = Array.from({ length: 5 }, () => ({ email: inbox('many') }));
    const single = ok(await env.s.gql(SendEmailDocument, { input: mail(`shop@${t.domain.name}`, inbox(), { to: many, attachments }) }, t.token)).sendEmail.messages;
    expect(single).toHaveLength(5);
    const requests = Array.from({ length: 20 }, () => mail(`shop@${t.domain.name}`, inbox('bulk'), { attachments }));
    const bulk = await env.s.gql<any, any>(`mutation($input: SendBulkEmailInput!) { sendBulkEmail(input: $input) { bulkEmail { id } } }`, { input: { requests } }, t.token);
    const bulkId = uuidOf(ok(bulk).sendBulkEmail.bulkEmail.id, 'BulkSend');
    // The stored bulk send keeps a hash reference per request, not the file.
    const stored = await systemEm(env.s.app.orm).execute<{ requests: string }[]>('select requests::text as requests from bulk_sends where id = ?', [bulkId]);
    expect(stored[0].requests).not.toContain(b64(PDF));
    const em = systemEm(env.s.app.orm);
    const started = Date.now();
    while ((await em.count(Message, { account: t.accountId })) < 25) {
      if (Date.now() - started > 30_000) throw new Error('bulk send not processed');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await blobCount(t.accountId)).toBe(1);
    expect(await em.count(MessageAttachment, { account: t.accountId })).toBe(25);
    const last = requests.at(-1)!.to[0].email;
    const [got] = await env.sink.waitFor(last, 1);
    const parsed = await simpleParser(got.raw);
    expect(parsed.attachments.map((a) => [a.filename, a.content.equals(PDF)])).toEqual([['ticket.pdf', true]]);
  });

  it('a bulk send’s shared attachments go to every request after its own, checked and stored once; a bad shared file refuses the bulk send and stores nothing', async () => {
    const t = await tenantWithDomain(env);
    const BULK = `mutation($input: SendBulkEmailInput!) { sendBulkEmail(input: $input) { bulkEmail { id } } }`;
    const em = systemEm(env.s.app.orm);
    const refused = await env.s.gql<any, any>(BULK, { input: { requests: [mail(`shop@${t.domain.name}`, inbox())], attachments: [{ filename: 'run.exe', content: b64(PDF) }] } }, t.token);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0].extensions?.field).toBe('attachments[0].filename');
    expect(await em.count(BulkSend, { account: t.accountId })).toBe(0);
    expect(await blobCount(t.accountId)).toBe(0);

    const requests = Array.from({ length: 4 }, (_, i) => mail(`shop@${t.domain.name}`, inbox('shared'), i === 0 ? { attachments: [{ filename: 'own.png', content: b64(PNG) }] } : {}));
    const bulk = await env.s.gql<any, any>(BULK, { input: { requests, attachments: [{ filename: 'terms.pdf', content: b64(PDF) }] } }, t.token);
    const bulkId = uuidOf(ok(bulk).sendBulkEmail.bulkEmail.id, 'BulkSend');
    const stored = await em.execute<{ requests: string }[]>('select requests::text as requests from bulk_sends where id = ?', [bulkId]);
    expect(stored[0].requests).not.toContain(b64(PDF));
    const started = Date.now();
    while ((await em.count(Message, { account: t.accountId })) < 4) {
      if (Date.now() - started > 30_000) throw new Error('bulk send not processed');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await blobCount(t.accountId)).toBe(2);
    const links = await em.find(MessageAttachment, { account: t.accountId }, { orderBy: { message: { recipient: 'asc' }, position: 'asc' }, populate: ['message'] });
    const byRecipient = new Map<string, string[]>();
    for (const l of links) byRecipient.set(l.message.getEntity().recipient, [...(byRecipient.get(l.message.getEntity().recipient) ?? []), l.filename]);
    expect(byRecipient.get(requests[0].to[0].email)).toEqual(['own.png', 'terms.pdf']);
    for (const r of requests.slice(1)) expect(byRecipient.get(r.to[0].email)).toEqual(['terms.pdf']);
  });

  it("another client's principal gets NOT_FOUND for the message and no attachment bytes; content needs ACTIVITY_CONTENT_READ", async () => {
    const t = await tenantWithDomain(env);
    const [sent] = ok(await env.s.gql(SendEmailDocument, { input: mail(`shop@${t.domain.name}`, inbox(), { attachments: files() }) }, t.token)).sendEmail.messages;
    const tenantB = uuidOf(await buildTenant(env.s, t.adminToken, 'Client B'), 'Tenant');
    const domainB = await insertDomain(env.s, { accountId: t.accountId, tenantUuid: tenantB });
    const all = [Permission.ACTIVITY_READ, Permission.ACTIVITY_CONTENT_READ];
    const { secret: tokenB } = await insertApiToken(env.s, { accountId: t.accountId, permissions: all, tenantUuid: tenantB });
    const other = await env.s.newAccount();
    const { secret: tokenOther } = await insertApiToken(env.s, { accountId: other.accountId, permissions: all });
    for (const token of [tokenB, tokenOther]) {
      const res = await env.s.gql<any, any>(CONTENT, { id: sent.id }, token);
      expect(errorCode(res)).toBe('NOT_FOUND');
      expect(JSON.stringify(res)).not.toMatch(/Invoice|logo|JVBER/);
    }
    // The raw read of the bytes applies the scope itself.
    const ids = (await systemEm(env.s.app.orm).find(MessageAttachment, { message: uuidOf(sent.id) })).map((a) => a.id);
    const scopeOf = (accountId: string, tenantIds: string[], domainIds: string[]): Scope =>
      ({ accountId, allDomains: false, tenantIds, domainIds, identityIds: [], templateIds: null, permissions: [], principalKey: 'x' }) as unknown as Scope;
    const em = systemEm(env.s.app.orm);
    expect((await attachmentContents(em, rowScope(scopeOf(t.accountId, [tenantB], [domainB.id])), ids)).size).toBe(0);
    expect((await attachmentContents(em, rowScope(scopeOf(other.accountId, [], [])), ids)).size).toBe(0);
    expect((await attachmentContents(em, rowScope(scopeOf(t.accountId, [t.tenantUuid], [])), ids)).size).toBe(2);

    const { secret: noContent } = await insertApiToken(env.s, { accountId: t.accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid: t.tenantUuid });
    const meta = ok(await env.s.gql<any, any>(META, { id: sent.id }, noContent)).message;
    expect(meta.attachments.map((a: { filename: string }) => a.filename)).toEqual(['Invoice 42.pdf', 'logo.png']);
    const limited = await env.s.gql<any, any>(CONTENT, { id: sent.id }, noContent);
    expect(limited.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(limited.data.message.attachments.map((a: { content: string | null }) => a.content)).toEqual([null, null]);
  });

  it('retention clears attachments with the content, and the bytes go once nothing points to them', async () => {
    const t = await tenantWithDomain(env);
    const [sent] = ok(await env.s.gql(SendEmailDocument, { input: mail(`shop@${t.domain.name}`, inbox(), { attachments: files() }) }, t.token)).sendEmail.messages;
    await waitForStatus(env, t.token, sent.id, ['DELIVERED']);
    const em = systemEm(env.s.app.orm);
    ok(await env.s.gql<any, any>('mutation($i: UpdateTenantInput!) { updateTenant(input: $i) { tenant { id } } }', { i: { id: t.tenantId, contentRetentionDays: 1 } }, t.adminToken));
    await em.execute(`update messages set created_at = now() - interval '2 days' where id = ?`, [uuidOf(sent.id)]);
    const report = await applyRetention(em, new Date(), createLogger('silent'));
    expect(report.contentCleared).toBeGreaterThanOrEqual(1);
    expect(ok(await env.s.gql<any, any>(META, { id: sent.id }, t.token)).message.attachments).toEqual([]);
    expect(await blobCount(t.accountId)).toBe(2); // used today: kept a day for bulk references
    await em.execute(`update attachment_blobs set last_used_at = now() - interval '2 days' where account_id = ?`, [t.accountId]);
    expect((await applyRetention(em, new Date(), createLogger('silent'))).blobsDeleted).toBeGreaterThanOrEqual(2);
    expect(await blobCount(t.accountId)).toBe(0);
  });

  it('a GraphQL body with a valid credential may be over 1 MiB (attachments travel in it); without one it may not', async () => {
    const t = await tenantWithDomain(env);
    const body = JSON.stringify({ query: '{ viewer { kind } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    const post = (headers: Record<string, string>) => fetch(`${env.s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const authed = await post({ authorization: `Bearer ${t.token}` });
    expect(authed.status).toBe(200);
    expect(await authed.json()).toEqual({ data: { viewer: { kind: 'API_TOKEN' } } });
    expect((await post({})).status).toBe(413);
    // A credential that is not one gets the small limit too: the body is not read for it.
    expect((await post({ authorization: 'Bearer mr_live_not_a_token' })).status).toBe(413);
  });

  it("a template's default attachments go with sends that give none; a send's own replace them", async () => {
    const t = await tenantWithDomain(env);
    const CREATE = `mutation($i: CreateTemplateInput!) { createTemplate(input: $i) { template { id attachments { filename contentType size disposition contentId } } } }`;
    const base = { domainId: t.domainId, name: 'Receipt', subject: 'Your receipt', html: '<p>Receipt <img src="cid:logo@shop"></p>' };
    const bad = await env.s.gql<any, any>(CREATE, { i: { ...base, attachments: [{ filename: 'run.bat', content: b64(PDF) }] } }, t.token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachments[0].filename' });
    const template = ok(await env.s.gql<any, any>(CREATE, { i: { ...base, attachments: files() } }, t.token)).createTemplate.template;
    expect(template.attachments).toEqual([
      { filename: 'Invoice 42.pdf', contentType: 'application/pdf', size: PDF.length, disposition: 'ATTACHMENT', contentId: null },
      { filename: 'logo.png', contentType: 'image/png', size: PNG.length, disposition: 'INLINE', contentId: 'logo@shop' },
    ]);
    const viaTemplate = (over: Partial<SendEmailInput>) => ({ from: { email: `shop@${t.domain.name}` }, to: [{ email: inbox('tpl') }], templateId: template.id, ...over });
    const plain = viaTemplate({});
    const own = viaTemplate({ attachments: [{ filename: 'other.txt', content: b64(Buffer.from('own file')) }] });
    const [m1] = ok(await env.s.gql(SendEmailDocument, { input: plain }, t.token)).sendEmail.messages;
    const [m2] = ok(await env.s.gql(SendEmailDocument, { input: own }, t.token)).sendEmail.messages;
    const [got] = await env.sink.waitFor(plain.to[0].email, 1);
    const parsed = await simpleParser(got.raw, { keepCidLinks: true });
    expect(parsed.attachments.map((a) => [a.filename, a.cid ?? null]).sort()).toEqual([
      ['Invoice 42.pdf', null],
      ['logo.png', 'logo@shop'],
    ]);
    expect(parsed.attachments.find((a) => a.filename === 'Invoice 42.pdf')!.content.equals(PDF)).toBe(true);
    expect(ok(await env.s.gql<any, any>(META, { id: m1.id }, t.token)).message.attachments).toHaveLength(2);
    expect(ok(await env.s.gql<any, any>(META, { id: m2.id }, t.token)).message.attachments.map((a: { filename: string }) => a.filename)).toEqual(['other.txt']);
    // The template's bytes are the account's blobs, stored once, and the clean-up keeps what a template points to.
    expect(await blobCount(t.accountId)).toBe(3);
    await systemEm(env.s.app.orm).execute(`update attachment_blobs set last_used_at = now() - interval '2 days' where account_id = ?`, [t.accountId]);
    await systemEm(env.s.app.orm).execute(`delete from message_attachments where account_id = ?`, [t.accountId]);
    await applyRetention(systemEm(env.s.app.orm), new Date(), createLogger('silent'));
    expect(await blobCount(t.accountId)).toBe(2);
  });
});
