import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { Message } from '../src/modules/sending/message.entity';
import { MessageStatus } from '../src/modules/sending/message.types';
import { SenderIdentity, SenderIdentityStatus } from '../src/modules/identities/sender-identity.entity';
import { insertApiToken, insertDomain, insertTwoTenants } from './support/factories';
import { ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
let accountId: string;
let adminToken: string;
let tokenA: string;
let tokenB: string;
let otherAccountToken: string;
let fx: Awaited<ReturnType<typeof insertTwoTenants>>;
/** Tenant A's seeded messages in insertion order (oldest first), by label. */
const seeded: Record<string, Message> = {};
const HOUR = 3600_000;
const base = Date.now() - 48 * HOUR;

const LIST = `query($first: Int, $after: String, $filter: MessagesFilterInput) {
  messages(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id recipient fromEmail subject status tags sendAt createdAt } }
  }
}`;

interface Node {
  id: string;
  recipient: string;
  fromEmail: string;
  subject: string | null;
  status: string;
  tags: string[];
  sendAt: string | null;
}

async function list(filter: Record<string, unknown> | null, token = tokenA, first?: number, after?: string) {
  const res = await s.gql<{ messages: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null }; edges: { node: Node }[] } }, unknown>(
    LIST,
    { filter, first, after },
    token,
  );
  return ok(res).messages;
}

const labels = (conn: { edges: { node: Node }[] }) => conn.edges.map((e) => Object.keys(seeded).find((k) => toGlobalId('Message', seeded[k].id) === e.node.id) ?? e.node.id);

async function seed(
  label: string,
  o: { domainUuid: string; tenantUuid: string; hoursAfterBase: number } & Partial<Pick<Message, 'recipient' | 'fromEmail' | 'subject' | 'status' | 'tags' | 'sendAt' | 'bulkId'>>,
) {
  const em = systemEm(s.app.orm);
  const m = em.create(Message, {
    account: accountId,
    domain: o.domainUuid,
    tenant: o.tenantUuid,
    fromEmail: o.fromEmail ?? 'news@a.example.test',
    recipient: o.recipient ?? `${label}@inbox.example.net`,
    subject: o.subject ?? `Subject ${label}`,
    status: o.status ?? MessageStatus.DELIVERED,
    tags: o.tags ?? [],
    sendAt: o.sendAt ?? null,
    bulkId: o.bulkId ?? null,
    verpToken: randomBytes(12).toString('hex'),
    createdAt: new Date(base + o.hoursAfterBase * HOUR),
  });
  await em.flush();
  seeded[label] = m;
  return m;
}

beforeAll(async () => {
  s = await startTestServer();
  ({ accountId, adminToken } = await s.newAccount('Lists'));
  otherAccountToken = (await s.newAccount('Elsewhere')).adminToken;
  fx = await insertTwoTenants(s, accountId);
  const perms = [Permission.ACTIVITY_READ, Permission.EMAIL_SEND];
  tokenA = (await insertApiToken(s, { accountId, permissions: perms, tenantUuid: fx.tA.id })).secret;
  tokenB = (await insertApiToken(s, { accountId, permissions: perms, tenantUuid: fx.tB.id })).secret;
  const a = { domainUuid: fx.dA.id, tenantUuid: fx.tA.id };
  await seed('m1', { ...a, hoursAfterBase: 1, subject: 'Invoice 100% paid', tags: ['billing'] });
  await seed('m2', { ...a, hoursAfterBase: 2, subject: 'Invoice 1000 paid', tags: ['billing', 'eu'], recipient: 'same.person@inbox.example.net' });
  await seed('m3', { ...a, hoursAfterBase: 3, subject: 'Welcome_aboard', status: MessageStatus.HARD_BOUNCED, fromEmail: 'hello@a.example.test' });
  await seed('m4', { ...a, hoursAfterBase: 4, subject: 'Welcome aboard', status: MessageStatus.SCHEDULED, sendAt: new Date(Date.now() + 5 * HOUR) });
  await seed('m5', { ...a, hoursAfterBase: 5, subject: 'Reminder', status: MessageStatus.SCHEDULED, sendAt: new Date(Date.now() + 30 * HOUR), recipient: 'same.person@inbox.example.net' });
  await seed('b1', { domainUuid: fx.dB.id, tenantUuid: fx.tB.id, hoursAfterBase: 6, subject: 'Invoice of tenant B', recipient: 'same.person@inbox.example.net', tags: ['billing'] });
});
afterAll(() => s?.stop());

describe('messages: order, pagination, totalCount', () => {
  it('lists the scope’s messages newest first with totalCount, and pages through them with after', async () => {
    const all = await list(null);
    expect(labels(all)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
    expect(all.totalCount).toBe(5);
    expect(all.edges[0].node).toMatchObject({ recipient: 'same.person@inbox.example.net', status: 'SCHEDULED', subject: 'Reminder' });
    const p1 = await list(null, tokenA, 2);
    expect(labels(p1)).toEqual(['m5', 'm4']);
    expect(p1).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    const p2 = await list(null, tokenA, 2, p1.pageInfo.endCursor!);
    expect(labels(p2)).toEqual(['m3', 'm2']);
    expect(p2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const p3 = await list(null, tokenA, 2, p2.pageInfo.endCursor!);
    expect(labels(p3)).toEqual(['m1']);
    expect(p3).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: false } });
  });

  it('an account-wide principal sees both tenants; tenant B and another account see nothing of tenant A', async () => {
    expect(labels(await list(null, adminToken))).toEqual(['b1', 'm5', 'm4', 'm3', 'm2', 'm1']);
    const b = await list(null, tokenB);
    expect(b.totalCount).toBe(1);
    expect(b.edges.map((e) => e.node.subject)).toEqual(['Invoice of tenant B']);
    // Aimed at tenant A's domain, tenant, or A's scheduled messages: still nothing of A.
    expect(await list({ domainIds: [toGlobalId('Domain', fx.dA.id)] }, tokenB)).toMatchObject({ totalCount: 0, edges: [] });
    expect(await list({ tenantId: toGlobalId('Tenant', fx.tA.id) }, tokenB)).toMatchObject({ totalCount: 0, edges: [] });
    expect(await list({ status: ['SCHEDULED'] }, tokenB)).toMatchObject({ totalCount: 0, edges: [] });
    // Substring and tag conditions (read through the query builder) keep the scope too.
    const invoices = await list({ subject: 'invoice', tags: ['billing'] }, tokenB);
    expect(labels(invoices)).toEqual(['b1']);
    expect(invoices.totalCount).toBe(1);
    const other = await list(null, otherAccountToken);
    expect(other).toMatchObject({ totalCount: 0, edges: [] });
    // A cursor of tenant A's list gives tenant B only its own rows older than it (none).
    const p1 = await list(null, tokenA, 1);
    expect(await list(null, tokenB, 5, p1.pageInfo.endCursor!)).toMatchObject({ totalCount: 1, edges: [] });
  });
});

describe('messages: an identity-scoped principal', () => {
  it('sees only messages sent as its own identity, never the rest of its tenant', async () => {
    const em = systemEm(s.app.orm);
    const agency = await insertDomain(s, { accountId, tenantUuid: null });
    const identity = em.create(SenderIdentity, {
      account: accountId,
      tenant: fx.tA.id,
      domain: agency.id,
      email: `me-${Date.now()}@${agency.name}`,
      name: 'Me',
      status: SenderIdentityStatus.CONFIRMED,
      confirmedAt: new Date(),
    });
    await em.flush();
    const mine = await seed('i1', { domainUuid: agency.id, tenantUuid: fx.tA.id, hoursAfterBase: 0 });
    await em.nativeUpdate(Message, { id: mine.id }, { senderIdentity: identity.id });
    const { secret } = await insertApiToken(s, { accountId, permissions: [Permission.ACTIVITY_READ], identityUuid: identity.id });
    const own = await list(null, secret);
    expect(labels(own)).toEqual(['i1']);
    expect(own.totalCount).toBe(1);
    expect(labels(await list({ senderIdentityIds: [toGlobalId('SenderIdentity', identity.id)] }, tokenA))).toEqual(['i1']);
    expect(await list({ domainIds: [toGlobalId('Domain', fx.dA.id)] }, secret)).toMatchObject({ totalCount: 0, edges: [] });
    // The tenant's token sees it too (the identity is the tenant's): six messages now.
    expect((await list(null, tokenA)).totalCount).toBe(6);
    await em.nativeDelete(Message, { id: mine.id });
    delete seeded.i1;
  });
});

describe('messages: filters', () => {
  it('status: scheduled messages are listed with status SCHEDULED and their sendAt', async () => {
    const scheduled = await list({ status: ['SCHEDULED'] });
    expect(labels(scheduled)).toEqual(['m5', 'm4']);
    expect(scheduled.totalCount).toBe(2);
    expect(scheduled.edges.map((e) => e.node.sendAt)).toEqual([seeded.m5.sendAt!.toISOString(), seeded.m4.sendAt!.toISOString()]);
    expect(labels(await list({ status: ['HARD_BOUNCED', 'DELIVERED'] }))).toEqual(['m3', 'm2', 'm1']);
  });

  it('recipient and from match whole addresses, case-insensitively', async () => {
    expect(labels(await list({ recipient: 'SAME.Person@Inbox.Example.NET' }))).toEqual(['m5', 'm2']);
    expect((await list({ recipient: 'same.person@inbox.example.ne' })).totalCount).toBe(0);
    expect(labels(await list({ from: 'Hello@A.example.test' }))).toEqual(['m3']);
  });

  it('subject matches a case-insensitive substring; % and _ match only themselves', async () => {
    expect(labels(await list({ subject: 'invoice' }))).toEqual(['m2', 'm1']);
    expect(labels(await list({ subject: '0%' }))).toEqual(['m1']);
    expect(labels(await list({ subject: 'welcome_' }))).toEqual(['m3']);
    expect(labels(await list({ subject: 'WELCOME' }))).toEqual(['m4', 'm3']);
  });

  it('tags (any of), domain, tenant, created and sendAt ranges, combined', async () => {
    expect(labels(await list({ tags: ['eu', 'nope'] }))).toEqual(['m2']);
    expect(labels(await list({ tags: ['billing'] }))).toEqual(['m2', 'm1']);
    expect((await list({ domainIds: [toGlobalId('Domain', fx.dA.id)], tenantId: toGlobalId('Tenant', fx.tA.id) })).totalCount).toBe(5);
    const createdFrom = new Date(base + 2 * HOUR).toISOString();
    const createdTo = new Date(base + 4 * HOUR).toISOString();
    expect(labels(await list({ createdFrom, createdTo }))).toEqual(['m3', 'm2']);
    expect(labels(await list({ sendAtFrom: new Date(Date.now() + 10 * HOUR).toISOString() }))).toEqual(['m5']);
    expect(labels(await list({ sendAtTo: new Date(Date.now() + 10 * HOUR).toISOString() }))).toEqual(['m4']);
    expect(labels(await list({ subject: 'invoice', tags: ['eu'], createdFrom }))).toEqual(['m2']);
    const admin = await list({ tags: ['billing'], recipient: 'same.person@inbox.example.net' }, adminToken);
    expect(admin.edges.map((e) => e.node.subject)).toEqual(['Invoice of tenant B', 'Invoice 1000 paid']);
  });

  it('refuses bad filters with BAD_USER_INPUT naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ domainIds: [toGlobalId('Tenant', fx.tA.id)] }, 'filter.domainIds'],
      [{ senderIdentityIds: ['nope'] }, 'filter.senderIdentityIds'],
      [{ tenantId: 'nope' }, 'filter.tenantId'],
      [{ bulkEmailId: toGlobalId('Message', seeded.m1.id) }, 'filter.bulkEmailId'],
      [{ recipient: 'not an address' }, 'filter.recipient'],
      [{ from: '' }, 'filter.from'],
      [{ subject: '   ' }, 'filter.subject'],
      [{ subject: 'a\nb' }, 'filter.subject'],
      [{ tags: [''] }, 'filter.tags[0]'],
      [{ createdFrom: new Date(base + 3 * HOUR).toISOString(), createdTo: new Date(base + HOUR).toISOString() }, 'filter.createdTo'],
      [{ sendAtFrom: new Date(Date.now() + 2 * HOUR).toISOString(), sendAtTo: new Date(Date.now() + HOUR).toISOString() }, 'filter.sendAtTo'],
    ];
    for (const [filter, field] of cases) {
      const res = await s.gql(LIST, { filter }, tokenA);
      expect(res.errors?.[0].extensions, JSON.stringify(filter)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(JSON.stringify(res)).not.toMatch(/select |\/src\//i);
    }
    expect((await s.gql(LIST, { first: 0 }, tokenA)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await s.gql(LIST, { after: 'bogus' }, tokenA)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('needs ACTIVITY_READ', async () => {
    const { secret } = await insertApiToken(s, { accountId, permissions: [Permission.EMAIL_SEND], tenantUuid: fx.tA.id });
    const res = await s.gql(LIST, {}, secret);
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(res.data).toBeNull();
  });
});
