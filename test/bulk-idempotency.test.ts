import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { BulkSend } from '../src/modules/sending/bulk-send.entity';
import { IdempotencyRecord } from '../src/modules/sending/idempotency-record.entity';
import { Message } from '../src/modules/sending/message.entity';
import { BulkEmailStatusDocument, SendBulkEmailDocument, SendEmailDocument, type SendEmailInput } from './generated/graphql';
import { insertApiToken, insertTwoTenants } from './support/factories';
import { errorCode, ok } from './support/harness';
import { rest } from './support/mailersend-client';
import { inbox, mail, type SendingEnv, startSendingEnv, tenantWithDomain, uuidOf } from './support/sending-fixtures';

let env: SendingEnv;
beforeAll(async () => {
  env = await startSendingEnv();
});
afterAll(() => env?.stop());

const PERMS = [Permission.EMAIL_SEND, Permission.ACTIVITY_READ];
const bulksOf = (tokenUuid: string) => systemEm(env.s.app.orm).count(BulkSend, { principalKey: `token:${tokenUuid}` });
const messagesOf = (accountId: string) => systemEm(env.s.app.orm).count(Message, { account: accountId });

async function waitForBulk(token: string, id: string) {
  const started = Date.now();
  for (;;) {
    const b = ok(await env.s.gql(BulkEmailStatusDocument, { id }, token)).bulkEmailStatus;
    if (b.status === 'COMPLETED') return b;
    if (Date.now() - started > 30_000) throw new Error(`bulk still ${JSON.stringify(b)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Two clients (tenants) of one account, each with a domain and a token of its own. */
async function twoClients() {
  const { accountId } = await env.s.newAccount();
  const { tA, tB, dA, dB } = await insertTwoTenants(env.s, accountId);
  const a = await insertApiToken(env.s, { accountId, permissions: PERMS, tenantUuid: tA.id });
  const b = await insertApiToken(env.s, { accountId, permissions: PERMS, tenantUuid: tB.id });
  return { accountId, dA, dB, a, b };
}

describe('sendBulkEmail with an idempotencyKey', () => {
  it('the same key and body returns the first bulk send and sends nothing again; another body is CONFLICT; another client’s same key is its own', async () => {
    const c = await twoClients();
    const key = randomUUID();
    const requests: SendEmailInput[] = [mail(`news@${c.dA.name}`, inbox()), mail(`news@${c.dA.name}`, inbox())];
    const send = (token: string, input: { requests: SendEmailInput[]; idempotencyKey?: string | null }) => env.s.gql(SendBulkEmailDocument, { input }, token);

    const first = ok(await send(c.a.secret, { requests, idempotencyKey: key })).sendBulkEmail.bulkEmail;
    expect(await waitForBulk(c.a.secret, first.id)).toMatchObject({ processed: 2, messagesQueued: 2, failed: 0 });
    const again = ok(await send(c.a.secret, { requests, idempotencyKey: key })).sendBulkEmail.bulkEmail;
    // The first bulk send, as it stands now (completed), and no second one.
    expect(again).toMatchObject({ id: first.id, status: 'COMPLETED', total: 2, processed: 2, messagesQueued: 2 });
    expect(await bulksOf(c.a.tokenUuid)).toBe(1);
    const record = await systemEm(env.s.app.orm).findOneOrFail(IdempotencyRecord, { principalKey: `token:${c.a.tokenUuid}`, key });
    expect([record.bulkSendId, record.messageIds]).toEqual([uuidOf(first.id, 'BulkSend'), []]);

    const other = await send(c.a.secret, { requests: [requests[0]], idempotencyKey: key });
    expect(errorCode(other)).toBe('CONFLICT');
    expect(other.errors?.[0]?.extensions?.field).toBe('idempotencyKey');
    expect(await bulksOf(c.a.tokenUuid)).toBe(1);

    // Client B's principal with the same key: a bulk send of its own, replayed for B only; A's is untouched.
    const bRequests = [mail(`news@${c.dB.name}`, inbox())];
    const mine = ok(await send(c.b.secret, { requests: bRequests, idempotencyKey: key })).sendBulkEmail.bulkEmail;
    expect(mine.id).not.toBe(first.id);
    expect(mine).toMatchObject({ total: 1 });
    expect(ok(await send(c.b.secret, { requests: bRequests, idempotencyKey: key })).sendBulkEmail.bulkEmail.id).toBe(mine.id);
    await waitForBulk(c.b.secret, mine.id);
    expect([await bulksOf(c.a.tokenUuid), await bulksOf(c.b.tokenUuid)]).toEqual([1, 1]);
    expect(await messagesOf(c.accountId)).toBe(3);
    // Nor can B read A's bulk send by its id.
    expect(errorCode(await env.s.gql(BulkEmailStatusDocument, { id: first.id }, c.b.secret))).toBe('NOT_FOUND');
  });

  it('concurrent calls with one key make one bulk send; a sendEmail key is not a bulk send key; a bad key is refused and stores nothing', async () => {
    const t = await tenantWithDomain(env);
    const key = randomUUID();
    const input = { requests: [mail(`news@${t.domain.name}`, inbox())], idempotencyKey: key };
    const answers = await Promise.all([0, 1, 2].map(() => env.s.gql(SendBulkEmailDocument, { input }, t.token)));
    const ids = answers.map((r) => ok(r).sendBulkEmail.bulkEmail.id);
    expect(new Set(ids).size).toBe(1);
    expect(await systemEm(env.s.app.orm).count(BulkSend, { account: t.accountId })).toBe(1);

    const emailKey = randomUUID();
    ok(await env.s.gql(SendEmailDocument, { input: { ...mail(`news@${t.domain.name}`, inbox()), idempotencyKey: emailKey } }, t.token));
    const reused = await env.s.gql(SendBulkEmailDocument, { input: { ...input, idempotencyKey: emailKey } }, t.token);
    expect([errorCode(reused), reused.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'idempotencyKey']);
    const reusedBack = await env.s.gql(SendEmailDocument, { input: { ...input.requests[0], idempotencyKey: key } }, t.token);
    expect([errorCode(reusedBack), reusedBack.errors?.[0]?.extensions?.field]).toEqual(['CONFLICT', 'idempotencyKey']);

    const bad = await env.s.gql(SendBulkEmailDocument, { input: { ...input, idempotencyKey: 'x'.repeat(201) } }, t.token);
    expect([errorCode(bad), bad.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'idempotencyKey']);
    expect(await systemEm(env.s.app.orm).count(BulkSend, { account: t.accountId })).toBe(1);
  });
});

describe('POST /v1/bulk-email with an Idempotency-Key', () => {
  it('answers a replay 202 with the first bulk_email_id, another body 409 on Idempotency-Key; another client’s same key gets its own', async () => {
    const c = await twoClients();
    const key = { 'idempotency-key': randomUUID() };
    const email = (domain: string) => ({ from: { email: `info@${domain}` }, to: [{ email: inbox() }], subject: 'Hi', text: 'Hello' });
    const body = [email(c.dA.name), email(c.dA.name)];
    const post = (token: string, b: unknown) => rest(env.s.url, 'POST', '/v1/bulk-email', token, b, key);

    const first = await post(c.a.secret, body);
    const second = await post(c.a.secret, body);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body).toEqual({ message: 'The bulk email is being processed.', bulk_email_id: first.body.bulk_email_id });
    expect(await bulksOf(c.a.tokenUuid)).toBe(1);

    const other = await post(c.a.secret, [body[0]]);
    expect(other.status).toBe(409);
    expect(other.body).toEqual({ message: expect.any(String), errors: { 'Idempotency-Key': [other.body.message] } });
    expect(await bulksOf(c.a.tokenUuid)).toBe(1);

    const bBody = [email(c.dB.name)];
    const mine = await post(c.b.secret, bBody);
    expect(mine.status).toBe(202);
    expect(mine.body.bulk_email_id).not.toBe(first.body.bulk_email_id);
    expect((await post(c.b.secret, bBody)).body.bulk_email_id).toBe(mine.body.bulk_email_id);
    expect([await bulksOf(c.a.tokenUuid), await bulksOf(c.b.tokenUuid)]).toEqual([1, 1]);
    // Each sees only its own bulk send.
    expect((await rest(env.s.url, 'GET', `/v1/bulk-email/${first.body.bulk_email_id}`, c.b.secret)).status).toBe(404);
    expect((await rest(env.s.url, 'GET', `/v1/bulk-email/${mine.body.bulk_email_id}`, c.b.secret)).status).toBe(200);

    const tooLong = await rest(env.s.url, 'POST', '/v1/bulk-email', c.a.secret, body, { 'idempotency-key': 'x'.repeat(201) });
    expect(tooLong.status).toBe(422);
    expect(Object.keys(tooLong.body.errors)).toEqual(['Idempotency-Key']);
    expect(await bulksOf(c.a.tokenUuid)).toBe(1);
  });
});
