import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { encrypt } from '../src/lib/crypto';
import { Message } from '../src/modules/sending/message.entity';
import { SoftBounce } from '../src/modules/suppressions/soft-bounce.entity';
import { SuppressionList, SuppressionSource } from '../src/modules/suppressions/suppression.enums';
import { insertEntries } from '../src/modules/suppressions/suppressions.queries';
import { generateWebhookSecret } from '../src/modules/webhooks/signing';
import { WebhookDelivery, WebhookDeliveryStatus } from '../src/modules/webhooks/webhook-delivery.entity';
import { Webhook } from '../src/modules/webhooks/webhook.entity';
import { ActivityEventType as E, insertMessage, recordEvents } from './support/activity-fixture';
import { insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { suppressionWorld } from './support/suppression-fixture';

let s: TestServer;
let w: Awaited<ReturnType<typeof suppressionWorld>>;
const ERASE =
  'mutation($i: EraseRecipientInput!) { eraseRecipient(input: $i) { erasure { id tenantId principalLabel emailHash messages events suppressions softBounces webhookDeliveries createdAt } } }';
const MESSAGE = 'query($id: ID!) { message(id: $id) { recipient subject html text status events { type details } } }';
const ERASURES = '{ erasures(first: 50) { totalCount edges { node { id tenantId emailHash messages } } } }';
const gidOf = (m: Message) => toGlobalId('Message', m.id);

beforeAll(async () => {
  s = await startTestServer();
  w = await suppressionWorld(s);
});
afterAll(() => s?.stop());

const TRACKED = (email: string) => ({ ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (iPhone)', country: 'DE', client: 'Apple Mail', url: `https://shop.example/?who=${email}` });

describe('eraseRecipient', () => {
  it('erases one recipient from one tenant, keeps the counts, leaves every other tenant and account untouched, and is audited', async () => {
    const email = `${unique('gdpr')}@inbox.example.net`;
    const em = systemEm(s.app.orm);
    // Tenant 1: a message on its domain (delivered, opened), one as its sender identity, one to someone else with the address in Cc.
    const m1 = await insertMessage(s, { accountId: w.accountId, domainUuid: w.d1.id, tenantUuid: w.t1.id, recipient: email });
    const [, opened] = await recordEvents(s, m1, [E.DELIVERED, E.OPENED], TRACKED(email));
    const m2 = await insertMessage(s, { accountId: w.accountId, domainUuid: w.da.id, tenantUuid: w.t1.id, identityUuid: w.i1.id, recipient: email });
    // DEFERRED, not a bounce: another test server's worker runs the suppression consumer over every event, and a
    // hard bounce would add a suppression entry of its own while this test counts them.
    await recordEvents(s, m2, [E.DEFERRED], { diagnostic: `450 4.2.1 <${email.toUpperCase()}>: mailbox busy` });
    const cc = await insertMessage(s, { accountId: w.accountId, domainUuid: w.d1.id, tenantUuid: w.t1.id, recipient: `${unique('other')}@inbox.example.net` });
    await em.nativeUpdate(Message, { id: cc.id }, { addressing: { to: [{ email: cc.recipient }], cc: [{ email, name: 'Erased Person' }] } });
    // The same address at tenant 2 and at another account.
    const m3 = await insertMessage(s, { accountId: w.accountId, domainUuid: w.d2.id, tenantUuid: w.t2.id, recipient: email });
    await recordEvents(s, m3, [E.DELIVERED, E.OPENED], TRACKED(email));
    const b = await s.newAccount('Other agency');
    const bDomain = await insertDomain(s, { accountId: b.accountId, tenantUuid: null });
    const mB = await insertMessage(s, { accountId: b.accountId, domainUuid: bDomain.id, recipient: email });
    await recordEvents(s, mB, [E.OPENED], TRACKED(email));
    // Suppressions with notes, soft-bounce tallies and a logged webhook delivery of the opened event.
    const entry = { accountId: w.accountId, senderIdentityId: null, list: SuppressionList.UNSUBSCRIBE, recipient: email, pattern: null, likePattern: null, source: SuppressionSource.API };
    await insertEntries(em, [
      { ...entry, domainId: w.d1.id, tenantId: w.t1.id, reason: `asked by ${email}`, originDiagnostic: 'list-unsubscribe' },
      { ...entry, domainId: w.d2.id, tenantId: w.t2.id, reason: `asked by ${email}` },
    ]);
    const tally = (domainId: string) => em.create(SoftBounce, { account: w.accountId, domain: domainId, recipient: email, eventId: opened.id, occurredAt: new Date() });
    tally(w.d1.id);
    tally(w.d2.id);
    const hook = em.create(Webhook, {
      account: w.accountId,
      name: 'all',
      url: 'https://hooks.example.com/in',
      events: ['ACTIVITY_OPENED'],
      // Disabled: a webhook consumer still behind on this test's events (this server's or another's) would
      // otherwise fan the opened event out to it as a second delivery while the test counts them.
      enabled: false,
      secretEncrypted: encrypt(s.app.config.secret, generateWebhookSecret()),
    });
    const delivery = em.create(WebhookDelivery, {
      account: w.accountId,
      webhook: hook,
      eventId: opened.id,
      eventType: 'ACTIVITY_OPENED',
      status: WebhookDeliveryStatus.SUCCEEDED,
      messageId: `msg_${unique('x')}`,
      url: hook.url,
      body: JSON.stringify({ type: 'activity.opened', data: { message: { recipient: email } } }),
      responseBody: `ok ${email}`,
    } as never);
    await em.flush();
    // An export link made before the erasure: exports are streamed from the tables, so nothing stored keeps the address.
    const link = ok(await s.gql<any, any>('mutation { exportActivity(input: { format: CSV }) { url } }', undefined, w.tenant1)).exportActivity.url;
    expect(await (await fetch(`${s.url}${new URL(link).pathname}`)).text()).toContain(email);

    const done = ok(await s.gql<any, any>(ERASE, { i: { email: `  ${email.toUpperCase()} `, tenantId: w.gid.t1 } }, w.tenant1)).eraseRecipient.erasure;
    expect(done).toMatchObject({ tenantId: w.gid.t1, principalLabel: 'test token', messages: 3, events: 3, suppressions: 1, softBounces: 1, webhookDeliveries: 1 });
    expect(done.emailHash).toMatch(/^[0-9a-f]{64}$/);
    const marker = `erased-${done.emailHash.slice(0, 24)}@erased.invalid`;

    // Tenant 1: the address is gone from messages, events, the delivery log and the export; rows, statuses and event types stay.
    const one = ok(await s.gql<any, any>(MESSAGE, { id: gidOf(m1) }, w.adminToken)).message;
    expect(one).toMatchObject({ recipient: marker, subject: null, html: null, text: null, status: 'QUEUED' });
    expect(one.events.map((e: any) => e.type)).toEqual(['DELIVERED', 'OPENED']);
    expect(one.events[1].details).toEqual({ country: 'DE', client: 'Apple Mail', url: `https://shop.example/?who=${marker}` });
    const two = ok(await s.gql<any, any>(MESSAGE, { id: gidOf(m2) }, w.adminToken)).message;
    expect(two.events[0].details).toEqual({ diagnostic: `450 4.2.1 <${marker}>: mailbox busy` });
    const ccRow = await systemEm(s.app.orm).findOneOrFail(Message, { id: cc.id });
    expect(ccRow.addressing.cc).toEqual([{ email: marker }]);
    const count = async (token: string, filter: Record<string, unknown>) =>
      ok(await s.gql<any, any>('query($f: ActivityFilterInput) { activity(filter: $f) { totalCount } }', { f: filter }, token)).activity.totalCount;
    expect(await count(w.tenant1, { recipient: email })).toBe(0);
    expect(await count(w.tenant1, { recipient: marker })).toBe(3);
    const [d] = await systemEm(s.app.orm).find(WebhookDelivery, { id: (delivery as WebhookDelivery).id });
    expect([d.body.includes(email), d.body.includes(marker), d.responseBody]).toEqual([false, true, `ok ${marker}`]);
    const csv = await (await fetch(`${s.url}${new URL(link).pathname}`)).text();
    expect(csv).not.toContain(email);
    expect(csv).toContain(marker);
    const sup = async (token: string) =>
      ok(await s.gql<any, any>('query($q: String) { suppressions(filter: { query: $q }) { edges { node { recipient reason } } } }', { q: email }, token)).suppressions.edges;
    // The entry stays (the address is still not mailed) without its notes.
    expect((await sup(w.tenant1)).map((e: any) => e.node)).toEqual([{ recipient: email, reason: null }]);
    expect(await systemEm(s.app.orm).count(SoftBounce, { recipient: email, domain: w.d1.id })).toBe(0);

    // Tenant 2 and the other account: untouched.
    expect(await count(w.tenant2, { recipient: email })).toBe(2);
    const three = ok(await s.gql<any, any>(MESSAGE, { id: gidOf(m3) }, w.adminToken)).message;
    expect(three).toMatchObject({ recipient: email, subject: 'Hello', html: '<p>secret body</p>' });
    expect(three.events[1].details).toEqual(TRACKED(email));
    expect((await sup(w.tenant2)).map((e: any) => e.node)).toEqual([{ recipient: email, reason: `asked by ${email}` }]);
    expect(await systemEm(s.app.orm).count(SoftBounce, { recipient: email, domain: w.d2.id })).toBe(1);
    expect(ok(await s.gql<any, any>(MESSAGE, { id: gidOf(mB) }, b.adminToken)).message).toMatchObject({ recipient: email, events: [{ type: 'OPENED', details: TRACKED(email) }] });

    // Audited: the account-wide admin reads the record; a scoped principal may not; another account sees none.
    const log = ok(await s.gql<any, any>(ERASURES, undefined, w.adminToken)).erasures;
    expect(log.edges.map((e: any) => e.node)).toContainEqual({ id: done.id, tenantId: w.gid.t1, emailHash: done.emailHash, messages: 3 });
    expect(errorCode(await s.gql<any, any>(ERASURES, undefined, w.tenant1))).toBe('FORBIDDEN');
    expect(ok(await s.gql<any, any>(ERASURES, undefined, b.adminToken)).erasures).toEqual({ totalCount: 0, edges: [] });
    expect(ok(await s.gql<any, any>('query($id: ID!) { node(id: $id) { id } }', { id: done.id }, b.adminToken)).node).toBeNull();
    expect(ok(await s.gql<any, any>('query($id: ID!) { node(id: $id) { id } }', { id: done.id }, w.tenant1)).node).toBeNull();
    // Erasing again finds nothing left (the suppression's notes are already gone).
    const again = ok(await s.gql<any, any>(ERASE, { i: { email, tenantId: w.gid.t1 } }, w.adminToken)).eraseRecipient.erasure;
    expect(again).toMatchObject({ emailHash: done.emailHash, messages: 0, events: 0, suppressions: 0, softBounces: 0, webhookDeliveries: 0 });
  });

  it('another tenant’s principal cannot erase in tenant 1, and its error does not tell the tenant exists', async () => {
    const email = `${unique('keep')}@inbox.example.net`;
    const m = await insertMessage(s, { accountId: w.accountId, domainUuid: w.d1.id, tenantUuid: w.t1.id, recipient: email });
    const foreign = await s.gql<any, any>(ERASE, { i: { email, tenantId: w.gid.t1 } }, w.tenant2);
    const missing = await s.gql<any, any>(ERASE, { i: { email, tenantId: toGlobalId('Tenant', '00000000-0000-7000-8000-000000000000') } }, w.tenant2);
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    expect(foreign.errors?.[0]).toEqual(missing.errors?.[0]);
    const b = await s.newAccount('Third agency');
    expect(errorCode(await s.gql<any, any>(ERASE, { i: { email, tenantId: w.gid.t1 } }, b.adminToken))).toBe('NOT_FOUND');
    // Part of the tenant is not enough; nor is a token without DATA_ERASE.
    expect(errorCode(await s.gql<any, any>(ERASE, { i: { email, tenantId: w.gid.t1 } }, w.identity1))).toBe('FORBIDDEN');
    const noErase = await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.ACTIVITY_READ, Permission.SUPPRESSIONS_MANAGE], tenantUuid: w.t1.id });
    expect(errorCode(await s.gql<any, any>(ERASE, { i: { email, tenantId: w.gid.t1 } }, noErase.secret))).toBe('FORBIDDEN');
    const bad = await s.gql<any, any>(ERASE, { i: { email: 'not an address', tenantId: w.gid.t1 } }, w.adminToken);
    expect([errorCode(bad), bad.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'email']);
    expect(ok(await s.gql<any, any>(MESSAGE, { id: gidOf(m) }, w.adminToken)).message.recipient).toBe(email);
  });
});
