import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { createDnsLookup } from '../src/deps';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import type { BulkJobPayload } from '../src/modules/sending/bulk.service';
import { processBulkSend } from '../src/modules/sending/bulk.task';
import { runDelivery } from '../src/modules/sending/deliver.task';
import { Message } from '../src/modules/sending/message.entity';
import { createOutbound } from '../src/modules/sending/outbound';
import { createSigningKeys } from '../src/modules/sending/signing-keys';
import { BulkEmailStatusDocument, type BulkEmailStatusQuery, SendBulkEmailDocument, SendEmailDocument, type SendEmailInput, SendingMessageDocument } from './generated/graphql';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { buildTenant, insertApiToken } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { freshDatabase, header, inbox, mail, type SendingEnv, startSendingEnv, tenantWithDomain, uuidOf } from './support/sending-fixtures';

let env: SendingEnv;
beforeAll(async () => {
  env = await startSendingEnv();
});
afterAll(() => env?.stop());

type Status = BulkEmailStatusQuery['bulkEmailStatus'];
const NODE = 'query($id: ID!) { node(id: $id) { __typename id ... on BulkSend { total } } }';

async function waitForBulk(token: string, id: string, samples: Status[] = []): Promise<Status> {
  const started = Date.now();
  for (;;) {
    const b = ok(await env.s.gql(BulkEmailStatusDocument, { id }, token)).bulkEmailStatus;
    samples.push(b);
    if (b.status === 'COMPLETED') return b;
    if (Date.now() - started > 30_000) throw new Error(`bulk still ${JSON.stringify(b)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sendBulkEmail', () => {
  it('accepts up to 500 requests, works through them in the background and reports progress and per-request errors', async () => {
    const t = await tenantWithDomain(env);
    const recipients = Array.from({ length: 60 }, () => inbox('bulk'));
    const requests: SendEmailInput[] = recipients.map((to, i) => mail(`news@${t.domain.name}`, to, { subject: `Issue ${i}` }));
    requests[3] = { ...requests[3], tags: ['not valid'] };
    requests[30] = { ...requests[30], from: { email: 'x@not-ours.example' } };
    requests[5] = { ...requests[5], idempotencyKey: 'k1' };
    requests[6] = { ...requests[6], idempotencyKey: 'k1' }; // same key, another body: CONFLICT
    requests[7] = { ...requests[5] }; // same key, same body: the messages of request 5
    const bulk = ok(await env.s.gql(SendBulkEmailDocument, { input: { requests } }, t.token)).sendBulkEmail.bulkEmail;
    expect(bulk).toMatchObject({ status: 'QUEUED', total: 60, processed: 0, messagesQueued: 0, failed: 0 });

    const samples: Status[] = [];
    const done = await waitForBulk(t.token, bulk.id, samples);
    expect(done).toMatchObject({ status: 'COMPLETED', total: 60, processed: 60, messagesQueued: 57, failed: 3 });
    expect(done.errors).toEqual([
      { index: 3, code: 'BAD_USER_INPUT', field: 'tags', message: expect.any(String) },
      { index: 6, code: 'CONFLICT', field: 'idempotencyKey', message: expect.any(String) },
      { index: 30, code: 'BAD_USER_INPUT', field: 'from.email', message: expect.any(String) },
    ]);
    const processed = samples.map((s) => s.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(processed.every((p) => p === 0 || p === 50 || p === 60)).toBe(true);

    const delivered = recipients.filter((_, i) => ![3, 6, 7, 30].includes(i));
    for (const to of delivered) await env.sink.waitFor(to, 1);
    for (const i of [3, 6, 7, 30]) expect(env.sink.to(recipients[i])).toHaveLength(0);
    expect(env.sink.to(recipients[5])).toHaveLength(1);
    expect(header(env.sink.to(recipients[8])[0].raw, 'Subject')).toBe('Issue 8');
    const rows = await systemEm(env.s.app.orm).find(Message, { bulkId: uuidOf(bulk.id, 'BulkSend') });
    expect(rows).toHaveLength(56);
  });

  it('refuses an empty or oversized batch', async () => {
    const t = await tenantWithDomain(env);
    const one = mail(`news@${t.domain.name}`, inbox());
    for (const requests of [[], Array.from({ length: 501 }, () => one)]) {
      const res = await env.s.gql(SendBulkEmailDocument, { input: { requests } }, t.token);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'requests' });
    }
  });

  it('a bulk send is visible to the principal that made it and to account-wide principals only', async () => {
    const t = await tenantWithDomain(env);
    const bulk = ok(await env.s.gql(SendBulkEmailDocument, { input: { requests: [mail(`news@${t.domain.name}`, inbox())] } }, t.token)).sendBulkEmail.bulkEmail;
    const tenantB = await buildTenant(env.s, t.adminToken, 'B');
    const { secret: tokenB } = await insertApiToken(env.s, { accountId: t.accountId, permissions: [Permission.EMAIL_SEND], tenantUuid: uuidOf(tenantB, 'Tenant') });
    const { secret: sibling } = await insertApiToken(env.s, { accountId: t.accountId, permissions: [Permission.EMAIL_SEND], tenantUuid: t.tenantUuid });
    const other = await env.s.newAccount();
    for (const token of [tokenB, sibling, other.adminToken]) {
      const res = await env.s.gql(BulkEmailStatusDocument, { id: bulk.id }, token);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
      expect(res.errors?.[0].message).toBe('BulkSend not found');
      expect(await env.s.gql(NODE, { id: bulk.id }, token)).toMatchObject({ data: { node: null } });
    }
    expect(await env.s.gql(NODE, { id: bulk.id }, t.adminToken)).toMatchObject({ data: { node: { __typename: 'BulkSend', id: bulk.id, total: 1 } } });
    expect(ok(await env.s.gql(BulkEmailStatusDocument, { id: bulk.id }, t.adminToken)).bulkEmailStatus.id).toBe(bulk.id);
    expect(errorCode(await env.s.gql(BulkEmailStatusDocument, { id: bulk.id }, null))).toBe('UNAUTHENTICATED');
  });
});

describe('without a worker: sandbox mode and a token revoked before its bulk runs', () => {
  let s: TestServer;
  let dns: TestDnsServer;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase();
    dns = await startDnsServer();
    s = await startTestServer({ databaseUrl: db.url, runWorker: false, deliveryMode: 'sandbox', dnsServers: [dns.address] }, { deps: { dns: createDnsLookup([dns.address], 1000) } });
  });
  afterAll(async () => {
    await s?.stop();
    await dns?.close();
    await db?.drop();
  });
  const td = () => ({ orm: s.app.orm, config: s.app.config, deps: s.app.deps });
  const delivery = () => ({ td: td(), outbound: createOutbound(s.app.config, s.app.deps.dns), keys: createSigningKeys(s.app.config) });
  const sandboxEnv = () => ({ s, dns, sink: env.sink, stop: async () => undefined });

  it('sandbox: renders, signs and stores the message, records SENT {sandbox: true}, sends nothing', async () => {
    const t = await tenantWithDomain(sandboxEnv());
    const to = inbox('sandbox');
    const [sent] = ok(await s.gql(SendEmailDocument, { input: mail(`info@${t.domain.name}`, to) }, t.token)).sendEmail.messages;
    await runDelivery(delivery(), { messageId: uuidOf(sent.id) });
    const m = ok(await s.gql(SendingMessageDocument, { id: sent.id }, t.token)).message;
    expect(m.status).toBe('SENT');
    expect(m.events.map((e) => [e.type, e.details.sandbox ?? null])).toEqual([
      ['QUEUED', null],
      ['SENT', true],
    ]);
    expect(header(m.raw!, 'DKIM-Signature')).toContain(`d=${t.domain.name}`);
    // A job run again (after a crash, say) finds the message final and sends nothing.
    await runDelivery(delivery(), { messageId: uuidOf(sent.id) });
    expect(ok(await s.gql(SendingMessageDocument, { id: sent.id }, t.token)).message.events).toHaveLength(2);
    expect(env.sink.to(to)).toHaveLength(0);
  });

  it('relay: hands the message to SMTP_URL and records SENT', async () => {
    const t = await tenantWithDomain(sandboxEnv());
    const to = inbox('relayed');
    const [sent] = ok(await s.gql(SendEmailDocument, { input: mail(`info@${t.domain.name}`, to) }, t.token)).sendEmail.messages;
    const config = { ...s.app.config, deliveryMode: 'relay' as const, smtpUrl: `smtp://127.0.0.1:${env.sink.port}/?tls.rejectUnauthorized=false` };
    await runDelivery({ td: { ...td(), config }, outbound: createOutbound(config, s.app.deps.dns), keys: createSigningKeys(config) }, { messageId: uuidOf(sent.id) });
    const [got] = await env.sink.waitFor(to, 1);
    expect(got.mailFrom).toMatch(new RegExp(`^bounce\\+[0-9a-f]{32}@mr\\.${t.domain.name.replace(/\./g, '\\.')}$`));
    const m = ok(await s.gql(SendingMessageDocument, { id: sent.id }, t.token)).message;
    expect(m).toMatchObject({ status: 'SENT', lastResponse: expect.stringMatching(/^250/) });
    expect(m.events.map((e) => [e.type, e.details.sandbox ?? null])).toEqual([
      ['QUEUED', null],
      ['SENT', null],
    ]);
  });

  it('a bulk send whose token was revoked fails its remaining requests as UNAUTHENTICATED', async () => {
    const t = await tenantWithDomain(sandboxEnv());
    const bulk = ok(await s.gql(SendBulkEmailDocument, { input: { requests: [mail(`info@${t.domain.name}`, inbox()), mail(`info@${t.domain.name}`, inbox())] } }, t.token)).sendBulkEmail.bulkEmail;
    const em = systemEm(s.app.orm);
    const [job] = await em.getConnection().execute<{ payload: BulkJobPayload }[]>('select payload from graphile_worker._private_jobs where key = ?', [`bulk:${uuidOf(bulk.id, 'BulkSend')}`]);
    expect(job.payload).toMatchObject({ bulkId: uuidOf(bulk.id, 'BulkSend'), principal: { kind: 'API_TOKEN' } });
    expect(JSON.stringify(job.payload)).not.toMatch(/secret|mr_/);
    await em.nativeUpdate(ApiToken, { id: job.payload.principal.kind === 'API_TOKEN' ? job.payload.principal.tokenId : '' }, { revokedAt: new Date() });
    await processBulkSend(td(), job.payload);
    const done = ok(await s.gql(BulkEmailStatusDocument, { id: bulk.id }, t.adminToken)).bulkEmailStatus;
    expect(done).toMatchObject({ status: 'COMPLETED', processed: 2, failed: 2, messagesQueued: 0 });
    expect(done.errors.map((e) => e.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });
});
