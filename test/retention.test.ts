import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { ActivityEventType as E } from '../src/events/event-type';
import { insertEvents } from '../src/events/events.queries';
import { toGlobalId } from '../src/graphql/global-id';
import { applyRetention } from '../src/modules/retention/apply-retention';
import { messageEvent } from '../src/modules/sending/message-event';
import { Message } from '../src/modules/sending/message.entity';
import { MessageStatus } from '../src/modules/sending/message.types';
import { createLogger } from '../src/lib/logger';
import { insertMessage } from './support/activity-fixture';
import { insertApiToken, insertTwoTenants } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { freshDatabase } from './support/sending-fixtures';

/** The retention job runs over every account of its database: this file has a database of its own. */
let db: Awaited<ReturnType<typeof freshDatabase>>;
let s: TestServer;
const DAY = 86_400_000;
const logger = createLogger('silent');
const UPDATE = 'mutation($i: UpdateTenantInput!) { updateTenant(input: $i) { tenant { id retentionDays contentRetentionDays } } }';
const MESSAGE = 'query($id: ID!) { message(id: $id) { id status subject html text recipient events { type } } }';

beforeAll(async () => {
  db = await freshDatabase();
  s = await startTestServer({ databaseUrl: db.url });
});
afterAll(async () => {
  await s?.stop();
  await db?.drop();
});

/** A message created `days` ago (DELIVERED unless told) with a QUEUED and a SENT event then. */
async function oldMessage(o: { accountId: string; domainUuid: string; tenantUuid: string | null }, days: number, status?: MessageStatus): Promise<Message> {
  const m = await insertMessage(s, o);
  const at = new Date(Date.now() - days * DAY);
  const em = systemEm(s.app.orm);
  await em.nativeUpdate(Message, { id: m.id }, { createdAt: at, status: status ?? MessageStatus.DELIVERED });
  await insertEvents(em, [messageEvent(m, E.QUEUED, { ip: '192.0.2.1' }, at), messageEvent(m, E.SENT, {}, new Date(at.getTime() + 60_000))]);
  return m;
}

const partitionOf = async (messageId: string) =>
  (await systemEm(s.app.orm).execute<{ p: string }[]>(`select tableoid::regclass::text as p from activity_events where message_id = ? limit 1`, [messageId]))[0]?.p;

describe('tenant retention settings', () => {
  it('defaults to 180 days, is set by account-wide principals only, and refuses bad values changing nothing', async () => {
    const { accountId, adminToken } = await s.newAccount();
    const { tA } = await insertTwoTenants(s, accountId);
    const id = toGlobalId('Tenant', tA.id);
    const read = async () => ok(await s.gql<any, any>('query($id: ID!) { tenant(id: $id) { retentionDays contentRetentionDays } }', { id }, adminToken)).tenant;
    expect(await read()).toEqual({ retentionDays: 180, contentRetentionDays: null });
    const scoped = await insertApiToken(s, { accountId, permissions: [Permission.DOMAINS_MANAGE, Permission.DOMAINS_READ], tenantUuid: tA.id });
    const denied = await s.gql<any, any>(UPDATE, { i: { id, retentionDays: 30 } }, scoped.secret);
    expect(errorCode(denied)).toBe('FORBIDDEN');
    for (const [input, field] of [
      [{ retentionDays: 0 }, 'retentionDays'],
      [{ retentionDays: 5000 }, 'retentionDays'],
      [{ contentRetentionDays: 200 }, 'contentRetentionDays'],
      [{ retentionDays: 30, contentRetentionDays: 31 }, 'contentRetentionDays'],
      [{ name: 'Renamed', contentRetentionDays: -1 }, 'contentRetentionDays'],
    ] as const) {
      const res = await s.gql<any, any>(UPDATE, { i: { id, ...input } }, adminToken);
      expect([errorCode(res), res.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', field]);
    }
    expect(await read()).toEqual({ retentionDays: 180, contentRetentionDays: null });
    expect(ok(await s.gql<any, any>(UPDATE, { i: { id, retentionDays: 90, contentRetentionDays: 14 } }, adminToken)).updateTenant.tenant).toMatchObject({
      retentionDays: 90,
      contentRetentionDays: 14,
    });
    // Left out: kept; null clears the content retention.
    expect(ok(await s.gql<any, any>(UPDATE, { i: { id, name: 'Other' } }, adminToken)).updateTenant.tenant).toMatchObject({ retentionDays: 90, contentRetentionDays: 14 });
    expect(ok(await s.gql<any, any>(UPDATE, { i: { id, contentRetentionDays: null } }, adminToken)).updateTenant.tenant).toMatchObject({ retentionDays: 90, contentRetentionDays: null });
  });
});

describe('the retention job', () => {
  it('clears content, deletes rows past each tenant’s retention, and drops whole partitions only when every retention allows', async () => {
    // Monthly partitions for the last 14 months, so old events land in partitions of their own month.
    await systemEm(s.app.orm).execute('select mailroom_ensure_event_partitions(14, 0)');
    const one = await s.newAccount('One');
    const two = await s.newAccount('Two');
    const w1 = await insertTwoTenants(s, one.accountId);
    const w2 = await insertTwoTenants(s, two.accountId);
    const [A, B, C] = [w1.tA, w1.tB, w2.tA];
    const set = async (token: string, tenantId: string, i: Record<string, unknown>) => ok(await s.gql<any, any>(UPDATE, { i: { id: toGlobalId('Tenant', tenantId), ...i } }, token));
    await set(one.adminToken, A.id, { retentionDays: 30, contentRetentionDays: 7 });
    await set(two.adminToken, C.id, { retentionDays: 400 });
    const on = (t: typeof A, d: typeof w1.dA, accountId: string) => ({ accountId, domainUuid: d.id, tenantUuid: t.id });
    const aOld = await oldMessage(on(A, w1.dA, one.accountId), 40);
    const aMid = await oldMessage(on(A, w1.dA, one.accountId), 10);
    const aNew = await oldMessage(on(A, w1.dA, one.accountId), 0);
    const aScheduled = await oldMessage(on(A, w1.dA, one.accountId), 40, MessageStatus.SCHEDULED);
    const bOld = await oldMessage(on(B, w1.dB, one.accountId), 100);
    const bAncient = await oldMessage(on(B, w1.dB, one.accountId), 395);
    const cAncient = await oldMessage(on(C, w2.dA, two.accountId), 395);
    const agencyOld = await oldMessage({ accountId: one.accountId, domainUuid: w1.dA.id, tenantUuid: null }, 200);
    const ancientPartition = await partitionOf(cAncient.id);
    expect(ancientPartition).toMatch(/^activity_events_\d{4}_\d{2}$/);

    const first = await applyRetention(systemEm(s.app.orm), new Date(), logger, { messageBatch: 2, eventIdWindow: 3 });
    // Events past retention go whatever their message's state: A's three 40-day-old messages, B's ancient one, the agency's.
    expect(first).toMatchObject({ contentCleared: 2, eventsDeleted: 8, messagesDeleted: 3 });
    expect(first.partitionsDropped).not.toContain(ancientPartition);
    const msg = async (m: Message, token = one.adminToken) => s.gql<any, any>(MESSAGE, { id: toGlobalId('Message', m.id) }, token);
    for (const gone of [aOld, bAncient, agencyOld]) expect(errorCode(await msg(gone))).toBe('NOT_FOUND');
    // Content cleared past 7 days; the message, its status and events stay.
    expect(ok(await msg(aMid)).message).toMatchObject({ status: 'DELIVERED', subject: null, html: null, text: null, recipient: aMid.recipient, events: [{ type: 'QUEUED' }, { type: 'SENT' }] });
    expect(ok(await msg(aNew)).message).toMatchObject({ subject: 'Hello', html: '<p>secret body</p>' });
    // In flight: kept whole. Tenant B keeps 100 days (default 180); tenant C keeps 400.
    expect(ok(await msg(aScheduled)).message).toMatchObject({ status: 'SCHEDULED', subject: 'Hello', events: [] });
    expect(ok(await msg(bOld)).message.events).toHaveLength(2);
    expect(ok(await msg(cAncient, two.adminToken)).message).toMatchObject({ subject: 'Hello', events: [{ type: 'QUEUED' }, { type: 'SENT' }] });
    expect(await partitionOf(cAncient.id)).toBe(ancientPartition);

    // A second run finds nothing more to do.
    expect(await applyRetention(systemEm(s.app.orm), new Date(), logger)).toMatchObject({ contentCleared: 0, eventsDeleted: 0, messagesDeleted: 0, partitionsDropped: [] });

    // Once no tenant keeps more than 180 days, the old partitions go whole.
    await set(two.adminToken, C.id, { retentionDays: 30 });
    const third = await applyRetention(systemEm(s.app.orm), new Date(), logger);
    expect(third.partitionsDropped).toContain(ancientPartition);
    expect(third).toMatchObject({ eventsInDroppedPartitions: 2, eventsDeleted: 0, messagesDeleted: 1 });
    expect(errorCode(await msg(cAncient, two.adminToken))).toBe('NOT_FOUND');
    const left = await systemEm(s.app.orm).execute<{ n: string }[]>(`select count(*) as n from pg_class where relname = ?`, [ancientPartition]);
    expect(Number(left[0].n)).toBe(0);
    expect(ok(await msg(bOld)).message.events).toHaveLength(2);
    // New events for the dropped month's range still have somewhere to go (the default partition).
    await insertEvents(systemEm(s.app.orm), [messageEvent(aNew, E.OPENED, {}, new Date(Date.now() - 395 * DAY))]);
    expect(ok(await msg(aNew)).message.events).toHaveLength(3);
  });
});
