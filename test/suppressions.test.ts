import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { insertEvents } from '../src/events/events.queries';
import { messageEvent } from '../src/modules/sending/message-event';
import { ActivityEventType } from '../src/events/event-type';
import { findSuppressions } from '../src/modules/suppressions/suppressions.queries';
import { ActivityEventType as E, recordEvents } from './support/activity-fixture';
import { unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { SUPPRESSION_FIELDS, suppressionWorld } from './support/suppression-fixture';

let s: TestServer;
let w: Awaited<ReturnType<typeof suppressionWorld>>;
const addr = (p = 'r') => `${unique(p)}@inbox.example.net`;

beforeAll(async () => {
  s = await startTestServer({ runWorker: true });
  w = await suppressionWorld(s);
});
afterAll(() => s?.stop());

async function list(token: string, filter: Record<string, unknown> = {}) {
  const res = await s.gql<any, any>(`query($f: SuppressionFilterInput) { suppressions(first: 100, filter: $f) { totalCount edges { node { ${SUPPRESSION_FIELDS} } } } }`, { f: filter }, token);
  return ok(res).suppressions as { totalCount: number; edges: { node: any }[] };
}

const lookup = (domainId: string, recipients: string[], senderIdentityId?: string | null) =>
  findSuppressions(systemEm(s.app.orm), { accountId: w.accountId, domainId, ...(senderIdentityId !== undefined ? { senderIdentityId } : {}) }, recipients);

describe('the suppressions consumer', () => {
  it('adds HARD_BOUNCE, SPAM_COMPLAINT and UNSUBSCRIBE entries from their events, origin kept, on that domain only', async () => {
    const [hard, spam, unsub] = [addr('hard'), addr('spam'), addr('unsub')];
    const [mh, ms, mu] = await Promise.all([w.message(hard), w.message(spam), w.message(unsub)]);
    const [eh] = await recordEvents(s, mh, [E.HARD_BOUNCED], { response: '550 5.1.1 user unknown' });
    await recordEvents(s, ms, [E.SPAM_COMPLAINT], { source: 'arf', feedbackType: 'abuse' });
    await recordEvents(s, mu, [E.UNSUBSCRIBED, E.UNSUBSCRIBED], { source: 'api' });
    await s.app.consumers!.drain();
    const page = await list(w.adminToken, { domainIds: [w.gid.d1] });
    const byRecipient = Object.fromEntries(page.edges.map((e) => [e.node.recipient, e.node]));
    expect(byRecipient[hard]).toMatchObject({ list: 'HARD_BOUNCE', source: 'EVENT', reason: 'Hard bounce', domain: { id: w.gid.d1 }, origin: { diagnostic: '550 5.1.1 user unknown' } });
    expect(byRecipient[spam]).toMatchObject({ list: 'SPAM_COMPLAINT', origin: { diagnostic: 'abuse' } });
    expect(byRecipient[unsub]).toMatchObject({ list: 'UNSUBSCRIBE' });
    expect(page.edges.filter((e) => e.node.recipient === unsub)).toHaveLength(1);
    // The origin is the event's own (sealed) global id: node(id) loads it.
    const node = ok(await s.gql<any, any>('query($id: ID!) { node(id: $id) { ... on ActivityEvent { type recipient } } }', { id: byRecipient[hard].origin.eventId }, w.adminToken));
    expect(node.node).toEqual({ type: 'HARD_BOUNCED', recipient: hard });
    expect(byRecipient[hard].origin.messageId).toBe(mh.gid);
    expect(eh.id).toBeTruthy();
    // Enforcement lookup: suppressed on D1, not on D2.
    const onD1 = await lookup(w.d1.id, [hard, spam, unsub, addr('clean')]);
    expect([...onD1.keys()].sort()).toEqual([hard, spam, unsub].sort());
    expect(onD1.get(unsub)!.list).toBe('UNSUBSCRIBE');
    expect((await lookup(w.d2.id, [hard, spam, unsub])).size).toBe(0);
  });

  it('holds a recipient after the threshold of soft bounces within the window, with a durable release job; held again later', async () => {
    const bad = await s.gql<any, any>(
      'mutation($i: UpdateTenantInput!) { updateTenant(input: $i) { tenant { id } } }',
      { i: { id: w.gid.t1, onHoldPolicy: { softBounceThreshold: 0 } } },
      w.adminToken,
    );
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.field).toBe('onHoldPolicy.softBounceThreshold');
    const set = await s.gql<any, any>(
      'mutation($i: UpdateTenantInput!) { updateTenant(input: $i) { tenant { onHoldPolicy { softBounceThreshold windowDays holdHours } } } }',
      { i: { id: w.gid.t1, onHoldPolicy: { softBounceThreshold: 3, holdHours: 2 } } },
      w.adminToken,
    );
    expect(ok(set).updateTenant.tenant.onHoldPolicy).toEqual({ softBounceThreshold: 3, windowDays: 30, holdHours: 2 });

    const r = addr('soft');
    const m = await w.message(r);
    await recordEvents(s, m, [E.SOFT_BOUNCED, E.SOFT_BOUNCED]);
    await s.app.consumers!.drain();
    expect((await list(w.adminToken, { lists: ['ON_HOLD'], query: r })).totalCount).toBe(0);
    const [third] = await recordEvents(s, m, [E.SOFT_BOUNCED], { response: '452 mailbox full' });
    await s.app.consumers!.drain();
    const held = (await list(w.adminToken, { lists: ['ON_HOLD'], query: r })).edges.map((e) => e.node);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ recipient: r, reason: '3 soft bounces within 30 days', origin: { diagnostic: '452 mailbox full' } });
    expect(new Date(held[0].expiresAt).getTime()).toBe(third.occurredAt.getTime() + 2 * 3600_000);
    const em = systemEm(s.app.orm);
    const tally = await em.execute<{ n: number; held: number }[]>('select count(*)::int as n, count(hold_id)::int as held from suppression_soft_bounces where recipient = ?', [r]);
    expect(tally[0]).toEqual({ n: 3, held: 3 });
    const uuid = Buffer.from(held[0].id, 'base64url').toString().split(':')[1];
    const jobs = await em.execute<{ run_at: Date }[]>('select run_at from graphile_worker.jobs where key = ?', [`release-suppression-hold:${uuid}`]);
    expect(jobs.map((j) => new Date(j.run_at).getTime())).toEqual([third.occurredAt.getTime() + 2 * 3600_000]);
    expect((await lookup(w.d1.id, [r])).get(r)?.list).toBe('ON_HOLD');
    expect((await lookup(w.d2.id, [r])).size).toBe(0);
  });

  it('releases a hold whose time is up through its job, and holds the recipient again after new soft bounces', async () => {
    const r = addr('release');
    const m = await w.message(r);
    const past = new Date(Date.now() - 3 * 3600_000); // 3 h ago: a 2 h hold from then is over
    await insertEvents(
      systemEm(s.app.orm),
      [0, 1, 2].map((i) => messageEvent(m, ActivityEventType.SOFT_BOUNCED, {}, new Date(past.getTime() + i * 1000))),
    );
    await s.app.consumers!.drain();
    expect((await lookup(w.d1.id, [r])).size).toBe(0); // an expired hold stops nothing, even before its release
    await expect.poll(async () => (await list(w.adminToken, { lists: ['ON_HOLD'], query: r })).totalCount, { timeout: 15_000, interval: 200 }).toBe(0);
    await recordEvents(s, m, [E.SOFT_BOUNCED, E.SOFT_BOUNCED]);
    await s.app.consumers!.drain();
    expect((await lookup(w.d1.id, [r])).size).toBe(0); // the first three counted toward the released hold
    await recordEvents(s, m, [E.SOFT_BOUNCED]);
    await s.app.consumers!.drain();
    expect((await lookup(w.d1.id, [r])).get(r)?.list).toBe('ON_HOLD');
  });
});

describe('blocklist', () => {
  it('stops addresses, whole domains and * patterns (no regular expressions), per domain and account-wide', async () => {
    const res = await s.gql<any, any>(
      `mutation($i: AddSuppressionsInput!) { addSuppressions(input: $i) { suppressions { ${SUPPRESSION_FIELDS} } } }`,
      { i: { list: 'BLOCKLIST', domainId: w.gid.d1, recipients: ['Exact@Blocked.Example'], patterns: ['*@spam.example', 'info@*', '*+test@*', '@whole.example', 'a_b@*'], reason: 'manual' } },
      w.tenant1,
    );
    expect(
      ok(res)
        .addSuppressions.suppressions.map((x: any) => x.recipient ?? x.pattern)
        .sort(),
    ).toEqual(['*+test@*', '*@spam.example', '@whole.example', 'a_b@*', 'exact@blocked.example', 'info@*']);
    ok(await s.gql<any, any>('mutation($i: AddSuppressionsInput!) { addSuppressions(input: $i) { suppressions { id } } }', { i: { list: 'BLOCKLIST', patterns: ['trap*@*'] } }, w.adminToken));
    const probes = ['exact@blocked.example', 'x@spam.example', 'x@sub.spam.example', 'info@any.org', 'me+test@x.io', 'y@whole.example', 'a_b@q.io', 'axb@q.io', 'trap1@any.org', 'fine@ok.example'];
    const onD1 = await lookup(w.d1.id, probes);
    expect([...onD1.keys()].sort()).toEqual(['a_b@q.io', 'exact@blocked.example', 'info@any.org', 'me+test@x.io', 'trap1@any.org', 'x@spam.example', 'y@whole.example']);
    expect([...(await lookup(w.d2.id, probes)).keys()]).toEqual(['trap1@any.org']);
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, and account-wide entries to scoped principals', async () => {
    const add = (i: Record<string, unknown>, token = w.adminToken) => s.gql<any, any>('mutation($i: AddSuppressionsInput!) { addSuppressions(input: $i) { suppressions { id } } }', { i }, token);
    const field = (r: any) => [errorCode(r), r.errors?.[0]?.extensions?.field];
    expect(field(await add({ list: 'BLOCKLIST', domainId: w.gid.d1, patterns: ['(.*)@x.com'] }))).toEqual(['BAD_USER_INPUT', 'patterns[0]']);
    expect(field(await add({ list: 'BLOCKLIST', domainId: w.gid.d1, patterns: ['*@*'] }))).toEqual(['BAD_USER_INPUT', 'patterns[0]']);
    expect(field(await add({ list: 'UNSUBSCRIBE', domainId: w.gid.d1, recipients: ['ok@x.io', 'not an address'] }))).toEqual(['BAD_USER_INPUT', 'recipients[1]']);
    expect(field(await add({ list: 'UNSUBSCRIBE', domainId: w.gid.d1, patterns: ['*@x.io'] }))).toEqual(['BAD_USER_INPUT', 'patterns']);
    expect(field(await add({ list: 'ON_HOLD', domainId: w.gid.d1, recipients: ['ok@x.io'] }))).toEqual(['BAD_USER_INPUT', 'list']);
    expect(field(await add({ list: 'UNSUBSCRIBE', recipients: ['ok@x.io'] }))).toEqual(['BAD_USER_INPUT', 'domainId']);
    expect(field(await add({ list: 'UNSUBSCRIBE', domainId: w.gid.d1, recipients: Array.from({ length: 1001 }, (_, i) => `a${i}@x.io`) }))).toEqual(['BAD_USER_INPUT', 'recipients']);
    expect(errorCode(await add({ list: 'NOT_A_LIST', domainId: w.gid.d1, recipients: ['ok@x.io'] }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await add({ list: 'BLOCKLIST', patterns: ['x*@y.io'] }, w.tenant1))).toBe('FORBIDDEN');
  });
});

describe('permissions', () => {
  it('SUPPRESSIONS_READ reads, SUPPRESSIONS_MANAGE changes', async () => {
    expect(errorCode(await s.gql<any, any>('{ suppressions { totalCount } }', undefined, w.noSuppressions1))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql<any, any>('{ recipient(email: "a@b.io") { suppressed } }', undefined, w.noSuppressions1))).toBe('FORBIDDEN');
    expect((await list(w.readOnly1)).totalCount).toBeGreaterThan(0);
    const add = await s.gql<any, any>(
      'mutation($i: AddSuppressionsInput!) { addSuppressions(input: $i) { suppressions { id } } }',
      { i: { list: 'UNSUBSCRIBE', domainId: w.gid.d1, recipients: ['ro@x.io'] } },
      w.readOnly1,
    );
    expect(errorCode(add)).toBe('FORBIDDEN');
    const remove = await s.gql<any, any>('mutation($i: RemoveSuppressionsInput!) { removeSuppressions(input: $i) { removedCount } }', { i: { list: 'UNSUBSCRIBE', all: true } }, w.readOnly1);
    expect(errorCode(remove)).toBe('FORBIDDEN');
    const policy = await s.gql<any, any>('mutation($i: UpdateTenantInput!) { updateTenant(input: $i) { tenant { id } } }', { i: { id: w.gid.t1, onHoldPolicy: { holdHours: 5 } } }, w.tenant1);
    expect(errorCode(policy)).toBe('FORBIDDEN');
  });
});
