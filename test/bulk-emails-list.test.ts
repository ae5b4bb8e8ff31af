import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { fromGlobalId, toGlobalId } from '../src/graphql/global-id';
import { BulkSend, BulkSendStatus } from '../src/modules/sending/bulk-send.entity';
import { Message } from '../src/modules/sending/message.entity';
import { insertApiToken, insertTwoTenants } from './support/factories';
import { ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
let accountId: string;
let adminToken: string;
let tokenA: string;
let tokenA2: string;
let tokenB: string;
let readOnlyA: string;
let otherAccountToken: string;
let fx: Awaited<ReturnType<typeof insertTwoTenants>>;

const BULKS = `query($first: Int, $after: String, $filter: BulkEmailsFilterInput) {
  bulkEmails(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id status total } }
  }
}`;
const MESSAGES = `query($filter: MessagesFilterInput) {
  messages(filter: $filter) { totalCount edges { node { id recipient status sendAt bulkEmail { id total } } } }
}`;

type Bulks = { bulkEmails: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; status: string; total: number } }[] } };
type Messages = { messages: { totalCount: number; edges: { node: { id: string; recipient: string; status: string; sendAt: string | null; bulkEmail: { id: string; total: number } | null } }[] } };
const bulks = async (token: string, filter: Record<string, unknown> | null = null, first?: number, after?: string) =>
  ok(await s.gql<Bulks, unknown>(BULKS, { filter, first, after }, token)).bulkEmails;
const messages = async (token: string, filter: Record<string, unknown> | null = null) => ok(await s.gql<Messages, unknown>(MESSAGES, { filter }, token)).messages;

async function sendBulk(token: string, from: string, recipients: string[]): Promise<string> {
  const requests = recipients.map((email) => ({ from: { email: from }, to: [{ email }], subject: 'Bulk', text: 'Hi' }));
  const res = await s.gql<{ sendBulkEmail: { bulkEmail: { id: string } } }, unknown>(
    `mutation($input: SendBulkEmailInput!) { sendBulkEmail(input: $input) { bulkEmail { id } } }`,
    { input: { requests } },
    token,
  );
  return ok(res).sendBulkEmail.bulkEmail.id;
}

/** A message of the bulk send as the bulk task would write it (the worker does not run in this file). */
async function insertBulkMessage(bulkGid: string, domainUuid: string, tenantUuid: string, recipient: string): Promise<string> {
  const em = systemEm(s.app.orm);
  const m = em.create(Message, {
    account: accountId,
    domain: domainUuid,
    tenant: tenantUuid,
    fromEmail: 'x@a.example',
    recipient,
    subject: 'Bulk',
    bulkId: fromGlobalId(bulkGid, 'BulkSend', 'id'),
    verpToken: randomBytes(12).toString('hex'),
  });
  await em.flush();
  return toGlobalId('Message', m.id);
}

let bulkA1: string;
let bulkA2: string;
let bulkA3: string;
let bulkB: string;

beforeAll(async () => {
  s = await startTestServer();
  ({ accountId, adminToken } = await s.newAccount('Bulk lists'));
  otherAccountToken = (await s.newAccount('Elsewhere')).adminToken;
  fx = await insertTwoTenants(s, accountId);
  const perms = [Permission.ACTIVITY_READ, Permission.EMAIL_SEND];
  tokenA = (await insertApiToken(s, { accountId, permissions: perms, tenantUuid: fx.tA.id })).secret;
  tokenA2 = (await insertApiToken(s, { accountId, permissions: perms, tenantUuid: fx.tA.id })).secret;
  tokenB = (await insertApiToken(s, { accountId, permissions: perms, tenantUuid: fx.tB.id })).secret;
  readOnlyA = (await insertApiToken(s, { accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid: fx.tA.id })).secret;
  bulkA1 = await sendBulk(tokenA, `news@${fx.dA.name}`, ['one@inbox.example.net', 'two@inbox.example.net']);
  bulkA2 = await sendBulk(tokenA, `news@${fx.dA.name}`, ['three@inbox.example.net']);
  bulkA3 = await sendBulk(tokenA, `news@${fx.dA.name}`, ['four@inbox.example.net', 'five@inbox.example.net', 'six@inbox.example.net']);
  bulkB = await sendBulk(tokenB, `news@${fx.dB.name}`, ['b@inbox.example.net']);
  await systemEm(s.app.orm).nativeUpdate(BulkSend, { id: fromGlobalId(bulkA2, 'BulkSend', 'id') }, { status: BulkSendStatus.COMPLETED, processed: 1 });
});
afterAll(() => s?.stop());

describe('bulkEmails', () => {
  it('lists the caller’s bulk sends newest first, with totalCount, pages and filters', async () => {
    const all = await bulks(tokenA);
    expect(all.edges.map((e) => e.node.id)).toEqual([bulkA3, bulkA2, bulkA1]);
    expect(all.edges.map((e) => e.node.total)).toEqual([3, 1, 2]);
    expect(all.totalCount).toBe(3);
    const p1 = await bulks(tokenA, null, 2);
    expect(p1).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const p2 = await bulks(tokenA, null, 2, p1.pageInfo.endCursor!);
    expect(p2.edges.map((e) => e.node.id)).toEqual([bulkA1]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    const done = await bulks(tokenA, { status: ['COMPLETED'] });
    expect(done).toMatchObject({ totalCount: 1, edges: [{ node: { id: bulkA2, status: 'COMPLETED' } }] });
    expect((await bulks(tokenA, { status: ['QUEUED'] })).edges.map((e) => e.node.id)).toEqual([bulkA3, bulkA1]);
    expect((await bulks(tokenA, { createdFrom: new Date(Date.now() + 60_000).toISOString() })).totalCount).toBe(0);
    expect((await bulks(tokenA, { createdTo: new Date(Date.now() + 60_000).toISOString() })).totalCount).toBe(3);
  });

  it('another principal (of the same tenant, of another tenant, of another account) sees none of them; the account admin sees all', async () => {
    expect(await bulks(tokenA2)).toMatchObject({ totalCount: 0, edges: [] });
    expect(await bulks(tokenB)).toMatchObject({ totalCount: 1, edges: [{ node: { id: bulkB } }] });
    expect(await bulks(otherAccountToken)).toMatchObject({ totalCount: 0, edges: [] });
    expect((await bulks(adminToken)).edges.map((e) => e.node.id)).toEqual([bulkB, bulkA3, bulkA2, bulkA1]);
  });

  it('refuses bad filters and needs EMAIL_SEND', async () => {
    const res = await s.gql(BULKS, { filter: { createdFrom: new Date().toISOString(), createdTo: new Date(Date.now() - 1000).toISOString() } }, tokenA);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.createdTo' });
    expect((await s.gql(BULKS, { first: 101 }, tokenA)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await s.gql(BULKS, {}, readOnlyA)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('Message.bulkEmail and the bulkEmailId filter', () => {
  it('links a message back to its bulk send, for whoever may see the bulk send', async () => {
    const m1 = await insertBulkMessage(bulkA1, fx.dA.id, fx.tA.id, 'one@inbox.example.net');
    const m2 = await insertBulkMessage(bulkA1, fx.dA.id, fx.tA.id, 'two@inbox.example.net');
    await insertBulkMessage(bulkA3, fx.dA.id, fx.tA.id, 'four@inbox.example.net');
    const ofBulk = await messages(tokenA, { bulkEmailId: bulkA1 });
    expect(ofBulk.totalCount).toBe(2);
    expect(ofBulk.edges.map((e) => [e.node.id, e.node.recipient, e.node.bulkEmail])).toEqual([
      [m2, 'two@inbox.example.net', { id: bulkA1, total: 2 }],
      [m1, 'one@inbox.example.net', { id: bulkA1, total: 2 }],
    ]);
    // Same tenant, another token: the messages are in its scope, the bulk send is not its own.
    const other = await messages(tokenA2, { bulkEmailId: bulkA1 });
    expect(other.edges.map((e) => e.node.bulkEmail)).toEqual([null, null]);
    // Without EMAIL_SEND: no bulk send.
    expect((await messages(readOnlyA, { bulkEmailId: bulkA1 })).edges.map((e) => e.node.bulkEmail)).toEqual([null, null]);
    // Tenant B: nothing of tenant A, even aimed at its bulk send.
    expect(await messages(tokenB, { bulkEmailId: bulkA1 })).toMatchObject({ totalCount: 0, edges: [] });
    // The account admin sees every bulk send of the account.
    const viaAdmin = await messages(adminToken, { recipient: 'four@inbox.example.net' });
    expect(viaAdmin.edges.map((e) => e.node.bulkEmail)).toEqual([{ id: bulkA3, total: 3 }]);
  });

  it('a message scheduled with sendEmail is listed with status SCHEDULED and no bulk send', async () => {
    const sendAt = new Date(Date.now() + 2 * 3600_000);
    sendAt.setMilliseconds(0);
    const res = await s.gql<{ sendEmail: { messages: { id: string }[] } }, unknown>(
      `mutation($input: SendEmailInput!) { sendEmail(input: $input) { messages { id } } }`,
      { input: { from: { email: `news@${fx.dA.name}` }, to: [{ email: 'Later@Inbox.Example.net' }], subject: 'Later', text: 'Later', sendAt: sendAt.toISOString() } },
      tokenA,
    );
    const [{ id }] = ok(res).sendEmail.messages;
    const scheduled = await messages(tokenA, { status: ['SCHEDULED'] });
    expect(scheduled.edges.map((e) => e.node)).toEqual([{ id, recipient: 'later@inbox.example.net', status: 'SCHEDULED', sendAt: sendAt.toISOString(), bulkEmail: null }]);
    expect(await messages(tokenB, { status: ['SCHEDULED'] })).toMatchObject({ totalCount: 0, edges: [] });
  });
});
