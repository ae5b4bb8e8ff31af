import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { fromGlobalId, toGlobalId } from '../src/graphql/global-id';
import { ActivityEvent } from '../src/modules/activity/activity-event.entity';
import { SenderIdentity, SenderIdentityStatus } from '../src/modules/identities/sender-identity.entity';
import { Message } from '../src/modules/sending/message.entity';
import { RecordDeliveryEventsDocument, type RecordDeliveryEventsMutationVariables } from './generated/graphql';
import { insertMessage } from './support/activity-fixture';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

type EventInput = RecordDeliveryEventsMutationVariables['input']['events'][number];

async function events(messageId: string): Promise<ActivityEvent[]> {
  return systemEm(s.app.orm).find(ActivityEvent, { message: messageId }, { orderBy: { id: 'asc' } });
}

async function reload(id: string): Promise<Message> {
  return systemEm(s.app.orm).findOneOrFail(Message, { id });
}

/** An account with two tenants (each with a domain and a message), an agency domain with an identity of tenant A and a message from it. */
async function world() {
  const { accountId, adminToken } = await s.newAccount();
  const tenantA = fromGlobalId(await buildTenant(s, adminToken, 'A'), 'Tenant', 'id');
  const tenantB = fromGlobalId(await buildTenant(s, adminToken, 'B'), 'Tenant', 'id');
  const domainA = await insertDomain(s, { accountId, tenantUuid: tenantA });
  const domainB = await insertDomain(s, { accountId, tenantUuid: tenantB });
  const agency = await insertDomain(s, { accountId, tenantUuid: null });
  const em = systemEm(s.app.orm);
  const identity = em.create(SenderIdentity, { account: accountId, tenant: tenantA, domain: agency.id, email: `${unique('id')}@${agency.name}`, status: SenderIdentityStatus.CONFIRMED });
  await em.flush();
  const msgA = await insertMessage(s, { accountId, domainUuid: domainA.id, tenantUuid: tenantA, tags: ['news'] });
  const msgB = await insertMessage(s, { accountId, domainUuid: domainB.id, tenantUuid: tenantB });
  const msgIdentity = await insertMessage(s, { accountId, domainUuid: agency.id, tenantUuid: tenantA, identityUuid: identity.id, tags: ['receipt'] });
  const token = async (scope: { tenantUuid?: string; domainUuid?: string; identityUuid?: string }, permissions = [Permission.EMAIL_SEND]) =>
    (await insertApiToken(s, { accountId, permissions, ...scope })).secret;
  return { accountId, adminToken, tenantA, tenantB, domainA, domainB, agency, identity, msgA, msgB, msgIdentity, token };
}

const gid = (m: Message) => toGlobalId('Message', m.id);
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function ev(m: Message, type: EventInput['type'], extra: Partial<EventInput> = {}): EventInput {
  return { eventId: unique('ev'), messageId: gid(m), type, occurredAt: ago(1000), ...extra };
}

describe('recordDeliveryEvents', () => {
  it('records events with the message’s tenant, domain, identity, recipient and tags, and updates its status', async () => {
    const w = await world();
    const token = await w.token({ tenantUuid: w.tenantA });
    const input = {
      events: [
        ev(w.msgA, 'DELIVERED', { occurredAt: ago(1000), smtpResponse: '250 2.0.0 OK queued as 4ZxQ', data: { mta: 'relay-7' } }),
        ev(w.msgA, 'SENT', { occurredAt: ago(5000) }),
        ev(w.msgIdentity, 'HARD_BOUNCED', { smtpResponse: '550 5.1.1 User unknown' }),
      ],
    };
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input }, token)).recordDeliveryEvents).toEqual({ recorded: 3, duplicates: 0 });

    const rowsA = await events(w.msgA.id);
    expect(rowsA.map((e) => e.type)).toEqual(['SENT', 'DELIVERED']);
    expect(rowsA[1]).toMatchObject({ tenantId: w.tenantA, domainId: w.domainA.id, senderIdentityId: null, recipient: w.msgA.recipient, tags: ['news'] });
    expect(rowsA[1].data).toEqual({ source: 'api', eventId: input.events[0].eventId, smtpResponse: '250 2.0.0 OK queued as 4ZxQ', details: { mta: 'relay-7' } });
    expect(rowsA[1].occurredAt.toISOString()).toBe(input.events[0].occurredAt);
    // Applied in time order: SENT then DELIVERED, whatever the order in the call.
    expect(await reload(w.msgA.id)).toMatchObject({ status: 'DELIVERED', lastResponse: '250 2.0.0 OK queued as 4ZxQ' });

    const rowsId = await events(w.msgIdentity.id);
    expect(rowsId).toHaveLength(1);
    expect(rowsId[0]).toMatchObject({ type: 'HARD_BOUNCED', tenantId: w.tenantA, domainId: w.agency.id, senderIdentityId: w.identity.id, tags: ['receipt'] });
    expect(await reload(w.msgIdentity.id)).toMatchObject({ status: 'HARD_BOUNCED', lastResponse: '550 5.1.1 User unknown' });
  });

  it('is idempotent by eventId per message: a retry records nothing, a repeat within a call is a duplicate', async () => {
    const w = await world();
    const token = await w.token({ tenantUuid: w.tenantA });
    const first = ev(w.msgA, 'DEFERRED', { smtpResponse: '451 4.7.1 Try again later' });
    const again = { ...first, smtpResponse: 'changed' };
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [first, again] } }, token)).recordDeliveryEvents).toEqual({ recorded: 1, duplicates: 1 });
    const second = ev(w.msgA, 'DELIVERED');
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [first, second] } }, token)).recordDeliveryEvents).toEqual({ recorded: 1, duplicates: 1 });
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [first, second] } }, w.adminToken)).recordDeliveryEvents).toEqual({ recorded: 0, duplicates: 2 });
    const rows = await events(w.msgA.id);
    expect(rows.map((e) => e.type)).toEqual(['DEFERRED', 'DELIVERED']);
    expect(rows[0].data.smtpResponse).toBe('451 4.7.1 Try again later');

    // Ids are per account: another account may use the same id for its own message.
    const other = await world();
    const sameId = ev(other.msgA, 'DELIVERED', { eventId: first.eventId });
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [sameId] } }, other.adminToken)).recordDeliveryEvents).toEqual({ recorded: 1, duplicates: 0 });
    // …and per message: another tenant reusing the id for its own message neither learns of tenant A's nor takes it.
    const tokenB = await w.token({ tenantUuid: w.tenantB });
    const reused = ev(w.msgB, 'DELIVERED', { eventId: first.eventId });
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [reused] } }, tokenB)).recordDeliveryEvents).toEqual({ recorded: 1, duplicates: 0 });
    const later = ev(w.msgA, 'SOFT_BOUNCED', { eventId: `${first.eventId}-b` });
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [ev(w.msgB, 'SENT', { eventId: later.eventId })] } }, tokenB)).recordDeliveryEvents).toEqual({ recorded: 1, duplicates: 0 });
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [later] } }, token)).recordDeliveryEvents).toEqual({ recorded: 1, duplicates: 0 });
  });

  it('refuses the whole call with NOT_FOUND naming the field when one message is another tenant’s, and records nothing', async () => {
    const w = await world();
    const tokenB = await w.token({ tenantUuid: w.tenantB });
    const own = ev(w.msgB, 'DELIVERED');
    const foreign = ev(w.msgA, 'HARD_BOUNCED', { smtpResponse: '550 5.1.1 spoofed' });
    const res = await s.gql(RecordDeliveryEventsDocument, { input: { events: [own, foreign] } }, tokenB);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'events[1].messageId' });
    expect(res.errors?.[0].message).toBe('Message not found');
    expect(JSON.stringify(res)).not.toContain(w.msgA.recipient);
    expect(await events(w.msgA.id)).toHaveLength(0);
    expect(await events(w.msgB.id)).toHaveLength(0);
    expect((await reload(w.msgA.id)).status).toBe('QUEUED');
    // A missing message answers exactly the same.
    const missing = { ...foreign, messageId: toGlobalId('Message', '0196f0b2-1c1e-7a4b-9f00-2b1f6c1f0001') };
    const res2 = await s.gql(RecordDeliveryEventsDocument, { input: { events: [own, missing] } }, tokenB);
    expect(res2.errors?.[0]).toMatchObject({ message: res.errors?.[0].message, extensions: res.errors?.[0].extensions });
    // Nothing was claimed either: the same event ids still record for their rightful owner.
    const tokenA = await w.token({ tenantUuid: w.tenantA });
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [foreign] } }, tokenA)).recordDeliveryEvents.recorded).toBe(1);
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [own] } }, tokenB)).recordDeliveryEvents.recorded).toBe(1);
  });

  it('refuses another account’s messages, and an identity token outside its identity, in the same way', async () => {
    const w = await world();
    const stranger = await s.newAccount();
    const res = await s.gql(RecordDeliveryEventsDocument, { input: { events: [ev(w.msgA, 'SPAM_COMPLAINT')] } }, stranger.adminToken);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'events[0].messageId' });
    expect(await events(w.msgA.id)).toHaveLength(0);

    const idToken = await w.token({ identityUuid: w.identity.id });
    const denied = await s.gql(RecordDeliveryEventsDocument, { input: { events: [ev(w.msgIdentity, 'DELIVERED'), ev(w.msgA, 'DELIVERED')] } }, idToken);
    expect(denied.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'events[1].messageId' });
    expect(await events(w.msgIdentity.id)).toHaveLength(0);
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input: { events: [ev(w.msgIdentity, 'UNSUBSCRIBED')] } }, idToken)).recordDeliveryEvents.recorded).toBe(1);

    const domainToken = await w.token({ domainUuid: w.domainA.id });
    const viaDomain = await s.gql(RecordDeliveryEventsDocument, { input: { events: [ev(w.msgIdentity, 'DELIVERED')] } }, domainToken);
    expect(errorCode(viaDomain)).toBe('NOT_FOUND');
  });

  it('needs EMAIL_SEND and a principal', async () => {
    const w = await world();
    const readOnly = await w.token({ tenantUuid: w.tenantA }, [Permission.ACTIVITY_READ]);
    const input = { events: [ev(w.msgA, 'DELIVERED')] };
    expect(errorCode(await s.gql(RecordDeliveryEventsDocument, { input }, readOnly))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(RecordDeliveryEventsDocument, { input }, null))).toBe('UNAUTHENTICATED');
    expect(await events(w.msgA.id)).toHaveLength(0);
  });

  it('validates input and names the offending field', async () => {
    const w = await world();
    const token = await w.token({ tenantUuid: w.tenantA });
    const bad = async (events: EventInput[]) => (await s.gql(RecordDeliveryEventsDocument, { input: { events } }, token)).errors?.[0].extensions;
    expect(await bad([])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events' });
    expect(await bad(Array.from({ length: 1001 }, () => ({ eventId: 'x', messageId: gid(w.msgA), type: 'SENT' as const, occurredAt: ago(1000) })))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'events',
    });
    expect(await bad([ev(w.msgA, 'SENT'), ev(w.msgA, 'SENT', { eventId: '' })])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events.1.eventId' });
    expect(await bad([ev(w.msgA, 'SENT', { eventId: 'has space' })])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events.0.eventId' });
    expect(await bad([ev(w.msgA, 'SENT', { smtpResponse: 'x'.repeat(1001) })])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events.0.smtpResponse' });
    expect(await bad([ev(w.msgA, 'SENT'), ev(w.msgA, 'SENT', { messageId: 'nope' })])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events[1].messageId' });
    expect(await bad([ev(w.msgA, 'SENT', { messageId: toGlobalId('Tenant', w.tenantA) })])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events[0].messageId' });
    expect(await bad([ev(w.msgA, 'SENT', { occurredAt: ago(31 * 24 * 3600_000) })])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events[0].occurredAt' });
    expect(await bad([ev(w.msgA, 'SENT', { occurredAt: ago(-3600_000) })])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events[0].occurredAt' });
    expect(await bad([ev(w.msgA, 'SENT', { data: { blob: 'x'.repeat(3000) } })])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events[0].data' });
    const wrongType = await s.gql(RecordDeliveryEventsDocument, { input: { events: [{ ...ev(w.msgA, 'SENT'), type: 'OPENED' as never }] } }, token);
    expect(errorCode(wrongType)).toBe('BAD_USER_INPUT');
    expect(wrongType.errors?.[0].message).toContain('events[0].type');
    expect(await events(w.msgA.id)).toHaveLength(0);
  });

  it('records a batch of 1,000 events in one call', async () => {
    const w = await world();
    const input = { events: Array.from({ length: 1000 }, (_, i) => ev(i % 2 ? w.msgA : w.msgB, 'DEFERRED', { occurredAt: ago(100_000 - i) })) };
    expect(ok(await s.gql(RecordDeliveryEventsDocument, { input }, w.adminToken)).recordDeliveryEvents).toEqual({ recorded: 1000, duplicates: 0 });
    expect(await events(w.msgA.id)).toHaveLength(500);
    expect((await reload(w.msgB.id)).status).toBe('DEFERRED');
  });
});
