import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { SenderIdentity, SenderIdentityStatus } from '../src/modules/identities/sender-identity.entity';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { recordMessageEvents } from '../src/modules/sending/message-life';
import { Message } from '../src/modules/sending/message.entity';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, startTestServer, type TestServer } from './support/harness';
import { subscribe } from './support/ws-client';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

const R = [Permission.ACTIVITY_READ];
const RC = [Permission.ACTIVITY_READ, Permission.ACTIVITY_CONTENT_READ];

/** Account with tenants A and B, their own domains, an agency domain with one identity of each, and tokens. */
async function world() {
  const { accountId, adminToken } = await s.newAccount();
  const em = systemEm(s.app.orm);
  const tA = em.create(Tenant, { account: accountId, name: 'Client A', tag: unique('a') });
  const tB = em.create(Tenant, { account: accountId, name: 'Client B', tag: unique('b') });
  await em.flush();
  const agency = await insertDomain(s, { accountId, tenantUuid: null });
  const dA = await insertDomain(s, { accountId, tenantUuid: tA.id });
  const dB = await insertDomain(s, { accountId, tenantUuid: tB.id });
  const iA = em.create(SenderIdentity, { account: accountId, tenant: tA.id, domain: agency.id, email: `${unique('ia')}@${agency.name}`, status: SenderIdentityStatus.CONFIRMED });
  const iB = em.create(SenderIdentity, { account: accountId, tenant: tB.id, domain: agency.id, email: `${unique('ib')}@${agency.name}`, status: SenderIdentityStatus.CONFIRMED });
  await em.flush();
  const tok = async (permissions: Permission[], scope: { tenantUuid?: string; domainUuid?: string; identityUuid?: string }) => (await insertApiToken(s, { accountId, permissions, ...scope })).secret;
  return {
    accountId,
    adminToken,
    tA,
    tB,
    agency,
    dA,
    dB,
    iA,
    iB,
    tenantA: await tok(RC, { tenantUuid: tA.id }),
    tenantB: await tok(RC, { tenantUuid: tB.id }),
    tenantANoContent: await tok(R, { tenantUuid: tA.id }),
    identityA: await tok(RC, { identityUuid: iA.id }),
    agencyDomain: await tok(RC, { domainUuid: agency.id }),
  };
}

const LIST = `query($first: Int, $after: String, $filter: ActivityFilterInput) { activity(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node { id type recipient tags message { id recipient } } } pageInfo { hasNextPage endCursor } } }`;
const SUB = `subscription($filter: ActivityFilterInput, $after: String) { activity(filter: $filter, after: $after) { id cursor type recipient message { id } } }`;

describe('activity query and message(id)', () => {
  it('lists events newest first, in scope only, with filters and cursors', async () => {
    const w = await world();
    const mA = await insertMessage(s, { accountId: w.accountId, domainUuid: w.dA.id, tenantUuid: w.tA.id, tags: ['welcome'], recipient: 'alice@example.net' });
    const mB = await insertMessage(s, { accountId: w.accountId, domainUuid: w.dB.id, tenantUuid: w.tB.id, tags: ['welcome'], recipient: 'bob@example.net' });
    await recordEvents(s, mA, [ActivityEventType.QUEUED, ActivityEventType.DELIVERED, ActivityEventType.OPENED]);
    await recordEvents(s, mB, [ActivityEventType.QUEUED, ActivityEventType.HARD_BOUNCED]);

    const a = (await s.gql<any, any>(LIST, {}, w.tenantA)).data.activity;
    expect(a.totalCount).toBe(3);
    expect(a.edges.map((e: any) => e.node.type)).toEqual(['OPENED', 'DELIVERED', 'QUEUED']);
    expect(JSON.stringify(a)).not.toContain('bob@example.net');
    const b = (await s.gql<any, any>(LIST, {}, w.tenantB)).data.activity;
    expect(b.edges.map((e: any) => e.node.recipient)).toEqual(['bob@example.net', 'bob@example.net']);

    const all = (await s.gql<any, any>(LIST, { first: 2 }, w.adminToken)).data.activity;
    expect(all.totalCount).toBe(5);
    expect(all.pageInfo.hasNextPage).toBe(true);
    const next = (await s.gql<any, any>(LIST, { first: 10, after: all.pageInfo.endCursor }, w.adminToken)).data.activity;
    expect(next.edges).toHaveLength(3);
    expect(new Set([...all.edges, ...next.edges].map((e: any) => e.node.id)).size).toBe(5);

    const filtered = (await s.gql<any, any>(LIST, { filter: { types: ['HARD_BOUNCED', 'OPENED'], tags: ['welcome'] } }, w.adminToken)).data.activity;
    expect(filtered.edges.map((e: any) => e.node.type).sort()).toEqual(['HARD_BOUNCED', 'OPENED']);
    const byRecipient = (await s.gql<any, any>(LIST, { filter: { recipient: 'Alice@Example.net' } }, w.adminToken)).data.activity;
    expect(byRecipient.totalCount).toBe(3);
    const byDomain = (await s.gql<any, any>(LIST, { filter: { domainIds: [toGlobalId('Domain', w.dB.id)] } }, w.tenantA)).data.activity;
    expect(byDomain.totalCount).toBe(0);
  });

  it('an identity token sees only its identity’s messages, by identity id and never by tag', async () => {
    const w = await world();
    const mA = await insertMessage(s, { accountId: w.accountId, domainUuid: w.agency.id, tenantUuid: w.tA.id, identityUuid: w.iA.id, tags: ['same-tag'] });
    const mB = await insertMessage(s, { accountId: w.accountId, domainUuid: w.agency.id, tenantUuid: w.tB.id, identityUuid: w.iB.id, tags: ['same-tag'] });
    await recordEvents(s, mA, [ActivityEventType.QUEUED]);
    await recordEvents(s, mB, [ActivityEventType.QUEUED]);
    const own = (await s.gql<any, any>(LIST, { filter: { tags: ['same-tag'] } }, w.identityA)).data.activity;
    expect(own.edges.map((e: any) => e.node.message.id)).toEqual([toGlobalId('Message', mA.id)]);
    const agency = (await s.gql<any, any>(LIST, {}, w.agencyDomain)).data.activity;
    expect(agency.totalCount).toBe(2);
    const other = await s.gql<any, any>(`query($id: ID!) { message(id: $id) { id } }`, { id: toGlobalId('Message', mB.id) }, w.identityA);
    expect(errorCode(other)).toBe('NOT_FOUND');
  });

  it('message(id) gives events, and content only with ACTIVITY_CONTENT_READ', async () => {
    const w = await world();
    const m = await insertMessage(s, { accountId: w.accountId, domainUuid: w.dA.id, tenantUuid: w.tA.id, html: '<p>the body</p>' });
    await recordEvents(s, m, [ActivityEventType.QUEUED, ActivityEventType.DELIVERED], { smtp: '250 ok' });
    const Q = `query($id: ID!) { message(id: $id) { id recipient status subject html text events { type details } } }`;
    const full = await s.gql<any, any>(Q, { id: toGlobalId('Message', m.id) }, w.tenantA);
    expect(full.data.message).toMatchObject({ html: '<p>the body</p>', text: 'secret body', events: [{ type: 'QUEUED' }, { type: 'DELIVERED', details: { smtp: '250 ok' } }] });
    const limited = await s.gql<any, any>(Q, { id: toGlobalId('Message', m.id) }, w.tenantANoContent);
    expect(limited.data.message.html).toBeNull();
    expect(limited.data.message.events).toHaveLength(2);
    expect(limited.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    const other = await s.gql<any, any>(Q, { id: toGlobalId('Message', m.id) }, w.tenantB);
    expect(errorCode(other)).toBe('NOT_FOUND');
    expect(JSON.stringify(other)).not.toContain('the body');
  });

  it('rejects bad cursors and filters naming the field', async () => {
    const w = await world();
    expect((await s.gql<any, any>(LIST, { after: 'nope' }, w.adminToken)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect((await s.gql<any, any>(LIST, { filter: { domainIds: ['bad'] } }, w.adminToken)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.domainIds' });
  });
});

describe('activity subscription', () => {
  it('streams each event to subscribers in scope only: two tenants side by side, an identity beside its agency domain', async () => {
    const w = await world();
    const pick = (d: any) => d.activity;
    const subA = subscribe(s.url, w.tenantA, SUB, {}, pick);
    const subB = subscribe(s.url, w.tenantB, SUB, {}, pick);
    const subI = subscribe(s.url, w.identityA, SUB, {}, pick);
    const subD = subscribe(s.url, w.agencyDomain, SUB, {}, pick);
    await new Promise((r) => setTimeout(r, 300));
    const mA = await insertMessage(s, { accountId: w.accountId, domainUuid: w.dA.id, tenantUuid: w.tA.id });
    const mIA = await insertMessage(s, { accountId: w.accountId, domainUuid: w.agency.id, tenantUuid: w.tA.id, identityUuid: w.iA.id });
    const mIB = await insertMessage(s, { accountId: w.accountId, domainUuid: w.agency.id, tenantUuid: w.tB.id, identityUuid: w.iB.id });
    const mB = await insertMessage(s, { accountId: w.accountId, domainUuid: w.dB.id, tenantUuid: w.tB.id });
    for (const m of [mA, mIA, mIB, mB]) await recordEvents(s, m, [ActivityEventType.QUEUED, ActivityEventType.DELIVERED]);
    const gid = (m: { id: string }) => toGlobalId('Message', m.id);
    await subA.waitFor(4);
    await subB.waitFor(4);
    await subD.waitFor(4);
    await subI.waitFor(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(new Set(subA.items.map((e: any) => e.message.id))).toEqual(new Set([gid(mA), gid(mIA)]));
    expect(new Set(subB.items.map((e: any) => e.message.id))).toEqual(new Set([gid(mIB), gid(mB)]));
    expect(subI.items.map((e: any) => e.message.id)).toEqual([gid(mIA), gid(mIA)]);
    expect(new Set(subD.items.map((e: any) => e.message.id))).toEqual(new Set([gid(mIA), gid(mIB)]));
    expect(subA.items.map((e: any) => e.type)).toEqual(['QUEUED', 'DELIVERED', 'QUEUED', 'DELIVERED']);
    for (const sub of [subA, subB, subI, subD]) await sub.close();
  });

  it('resolves each event as of its own moment: message { status } follows the message, event by event', async () => {
    const w = await world();
    const m = await insertMessage(s, { accountId: w.accountId, domainUuid: w.dA.id, tenantUuid: w.tA.id });
    const sub = subscribe(s.url, w.tenantA, 'subscription { activity { type message { status lastResponse } } }', {}, (d: any) => d.activity);
    await new Promise((r) => setTimeout(r, 300));
    const steps: [ActivityEventType, string][] = [
      [ActivityEventType.DEFERRED, '451 4.7.1 Try again later'],
      [ActivityEventType.DELIVERED, '250 2.0.0 Ok'],
      [ActivityEventType.OPENED, ''],
      [ActivityEventType.HARD_BOUNCED, '550 5.1.1 No such user'],
    ];
    for (const [i, [type, response]] of steps.entries()) {
      const em = systemEm(s.app.orm);
      await em.transactional(async (tx) => {
        const message = await tx.findOneOrFail(Message, { id: m.id });
        await recordMessageEvents(tx, [{ message, type, occurredAt: new Date(), response: response || null }]);
      });
      await sub.waitFor(i + 1);
    }
    expect(sub.items).toEqual([
      { type: 'DEFERRED', message: { status: 'DEFERRED', lastResponse: '451 4.7.1 Try again later' } },
      { type: 'DELIVERED', message: { status: 'DELIVERED', lastResponse: '250 2.0.0 Ok' } },
      { type: 'OPENED', message: { status: 'DELIVERED', lastResponse: '250 2.0.0 Ok' } },
      { type: 'HARD_BOUNCED', message: { status: 'HARD_BOUNCED', lastResponse: '550 5.1.1 No such user' } },
    ]);
    await sub.close();
  });

  it('replays from a cursor, then continues live with no gap and no duplicate', async () => {
    const w = await world();
    const m = await insertMessage(s, { accountId: w.accountId, domainUuid: w.dA.id, tenantUuid: w.tA.id });
    const first = await recordEvents(s, m, [ActivityEventType.QUEUED]);
    const page = (await s.gql<any, any>(LIST, { first: 1 }, w.tenantA)).data.activity;
    const cursor = page.edges[0].cursor;
    const missed = await recordEvents(s, m, [ActivityEventType.SENT, ActivityEventType.DELIVERED]);
    const sub = subscribe(s.url, w.tenantA, SUB, { after: cursor }, (d: any) => d.activity);
    await sub.waitFor(2);
    const live = await recordEvents(s, m, [ActivityEventType.OPENED, ActivityEventType.CLICKED]);
    await sub.waitFor(4);
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.items.map((e: any) => e.type)).toEqual(['SENT', 'DELIVERED', 'OPENED', 'CLICKED']);
    expect(first).toHaveLength(1);
    expect(missed.length + live.length).toBe(sub.items.length);
    // Resuming from the last event's cursor replays nothing and waits for what comes next.
    const resumed = subscribe(s.url, w.tenantA, SUB, { after: sub.items.at(-1).cursor }, (d: any) => d.activity);
    await new Promise((r) => setTimeout(r, 300));
    await recordEvents(s, m, [ActivityEventType.UNSUBSCRIBED]);
    await resumed.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.items.map((e: any) => e.type)).toEqual(['UNSUBSCRIBED']);
    await sub.close();
    await resumed.close();
  });

  it('closes with 4401 for an invalid token, and with 4403 within 5 s once a token is revoked or paused', async () => {
    const w = await world();
    const invalid = subscribe(s.url, 'mr_live_invalid', SUB);
    expect(await invalid.closedWith).toBe(4401);
    const revokedSub = subscribe(s.url, w.tenantA, SUB);
    const pausedSub = subscribe(s.url, w.tenantB, SUB);
    await new Promise((r) => setTimeout(r, 300));
    const em = systemEm(s.app.orm);
    const started = Date.now();
    await em.nativeUpdate(ApiToken, { account: w.accountId, tenant: w.tA.id }, { revokedAt: new Date() });
    await em.nativeUpdate(ApiToken, { account: w.accountId, tenant: w.tB.id }, { pausedAt: new Date() });
    expect(await revokedSub.closedWith).toBe(4403);
    expect(await pausedSub.closedWith).toBe(4403);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('closes a socket once its token’s access changes (permissions narrowed), so a stale scope never streams', async () => {
    const w = await world();
    const sub = subscribe(s.url, w.tenantA, SUB);
    await new Promise((r) => setTimeout(r, 300));
    const em = systemEm(s.app.orm);
    await em.nativeUpdate(ApiToken, { account: w.accountId, tenant: w.tA.id, permissions: { $contains: [Permission.ACTIVITY_CONTENT_READ] } }, { permissions: [Permission.ACTIVITY_READ] });
    const started = Date.now();
    expect(await sub.closedWith).toBe(4403);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a WebSocket upgrade from a foreign Origin', async () => {
    const { default: WebSocket } = await import('ws');
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${s.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { origin: 'https://evil.example' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(code).toBe(403);
  });
});

describe('subscription limits', () => {
  it('applies the same depth and token limits as HTTP', async () => {
    const w = await world();
    const deep = `subscription { activity { message { domain { tenant { domains { templates { domain { tenant { domains { templates { domain { tenant { id } } } } } } } } } } } } }`;
    const tooDeep = subscribe(s.url, w.adminToken, deep);
    await expect.poll(() => tooDeep.errors.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(JSON.stringify(tooDeep.errors)).toMatch(/depth/i);
    const long = `subscription { activity { ${'id '.repeat(6000)} } }`;
    const tooLong = subscribe(s.url, w.adminToken, long);
    await expect.poll(() => tooLong.errors.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(JSON.stringify(tooLong.errors)).toMatch(/tokens/);
    await tooDeep.close();
    await tooLong.close();
  });
});
