import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import type { EventRow } from '../src/events/event-row';
import { toGlobalId } from '../src/graphql/global-id';
import {
  ANALYTICS_FROM as FROM,
  ANALYTICS_TAGS as TAGS,
  ANALYTICS_TO as TO,
  type AnalyticsClient,
  insertAnalyticsMessage,
  messageLife,
  prng,
  recordAll,
  seedAnalytics,
} from './support/analytics-fixture';
import { insertApiToken } from './support/factories';
import { errorCode, startTestServer, type TestServer } from './support/harness';

/**
 * Analytics against counts computed here, independently, from the events written: every dimension,
 * several timezones (Europe/Berlin and America/New_York change clocks inside the range), and scoping.
 */
let s: TestServer;
let A: { accountId: string; adminToken: string };
let B: { accountId: string; adminToken: string };
let c1: AnalyticsClient;
let c2: AnalyticsClient;
let events: EventRow[] = [];
let templateOf = new Map<string, string | null>();
const tokens: Record<string, string> = {};

const FIELDS: Record<string, string> = {
  QUEUED: 'queued',
  SENT: 'sent',
  DELIVERED: 'delivered',
  DEFERRED: 'deferred',
  SOFT_BOUNCED: 'softBounced',
  HARD_BOUNCED: 'hardBounced',
  OPENED: 'opened',
  OPENED_UNIQUE: 'openedUnique',
  CLICKED: 'clicked',
  CLICKED_UNIQUE: 'clickedUnique',
  UNSUBSCRIBED: 'unsubscribed',
  SPAM_COMPLAINT: 'spamComplaint',
  SUPPRESSED: 'suppressed',
};
const COUNTS = Object.values(FIELDS).join(' ');

/** Counts of events by API field name. */
function expected(list: readonly EventRow[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(Object.values(FIELDS).map((f) => [f, 0]));
  for (const e of list) if (FIELDS[e.type]) out[FIELDS[e.type]]++;
  return out;
}
const inRange = (e: EventRow) => e.occurredAt.getTime() >= Date.parse(FROM) && e.occurredAt.getTime() < Date.parse(TO);
const ofAccount = (id: string) => events.filter((e) => e.accountId === id && inRange(e));
const localDay = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const localTime = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

async function seed(): Promise<void> {
  ({ A, B, c1, c2, events, templateOf } = await seedAnalytics(s));
  tokens.tenant1 = (await insertApiToken(s, { accountId: A.accountId, permissions: [Permission.ANALYTICS_READ], tenantUuid: c1.tenantId })).secret;
  tokens.tenant2 = (await insertApiToken(s, { accountId: A.accountId, permissions: [Permission.ANALYTICS_READ], tenantUuid: c2.tenantId })).secret;
  tokens.identity1 = (await insertApiToken(s, { accountId: A.accountId, permissions: [Permission.ANALYTICS_READ], identityUuid: c1.identityId })).secret;
  tokens.domain1 = (await insertApiToken(s, { accountId: A.accountId, permissions: [Permission.ANALYTICS_READ], domainUuid: c1.domainId })).secret;
  tokens.noPermission = (await insertApiToken(s, { accountId: A.accountId, permissions: [Permission.ACTIVITY_READ] })).secret;
}

beforeAll(async () => {
  s = await startTestServer({ runWorker: true });
  await seed();
}, 120_000);
afterAll(() => s?.stop());

const QUERY = `query($filter: AnalyticsFilterInput!, $groupBy: AnalyticsInterval, $timezone: String) {
  analytics(filter: $filter, groupBy: $groupBy, timezone: $timezone) {
    totals { ${COUNTS} deliveryRate openRate clickRate bounceRate complaintRate unsubscribeRate }
    series { start counts { ${COUNTS} } }
    byTenant { id counts { ${COUNTS} } }
    byDomain { id counts { ${COUNTS} } }
    bySenderIdentity { id counts { ${COUNTS} } }
    byTemplate { id counts { ${COUNTS} } }
    byTag { key counts { ${COUNTS} } }
    byCountry { key count share }
    byClient(of: UNIQUE_CLICKS) { key count share }
    byReadingEnvironment { key count share }
  }
}`;

async function analytics(token: string, filter: Record<string, unknown> = {}, groupBy = 'DAY', timezone = 'UTC') {
  const res = await s.gql<any, any>(QUERY, { filter: { from: FROM, to: TO, ...filter }, groupBy, timezone }, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.analytics;
}

/** Expected counts grouped by a key, as `{ key: counts }` (keys of events without one: 'null'). */
function groupedBy(list: readonly EventRow[], key: (e: EventRow) => (string | null)[]): Record<string, Record<string, number>> {
  const groups = new Map<string, EventRow[]>();
  for (const e of list) for (const k of key(e)) groups.set(String(k), [...(groups.get(String(k)) ?? []), e]);
  return Object.fromEntries([...groups].map(([k, v]) => [k, expected(v)]).filter(([, c]) => Object.values(c as object).some((n) => n > 0)));
}
const byKey = (rows: { id?: string | null; key?: string; counts: Record<string, number> }[], field: 'id' | 'key') => Object.fromEntries(rows.map((r) => [String(r[field]), r.counts]));
const gid = (type: string) => (id: string | null) => (id ? toGlobalId(type, id) : null);

function readers(list: readonly EventRow[], type: string, key: (e: EventRow) => string) {
  const counts = new Map<string, number>();
  for (const e of list) if (e.type === type) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return Object.fromEntries([...counts].map(([k, n]) => [k, { count: n, share: n / total }]));
}

describe('analytics equals counts computed from the events', () => {
  it('totals, rates and every breakdown, for the whole account', async () => {
    const a = await analytics(A.adminToken);
    const mine = ofAccount(A.accountId);
    const totals = expected(mine);
    expect(totals.sent).toBeGreaterThan(100);
    expect(a.totals).toMatchObject(totals);
    expect(a.totals.openRate).toBeCloseTo(totals.openedUnique / totals.delivered, 10);
    expect(a.totals.clickRate).toBeCloseTo(totals.clickedUnique / totals.delivered, 10);
    expect(a.totals.deliveryRate).toBeCloseTo(totals.delivered / totals.sent, 10);
    expect(a.totals.bounceRate).toBeCloseTo((totals.softBounced + totals.hardBounced) / totals.sent, 10);
    expect(a.totals.complaintRate).toBeCloseTo(totals.spamComplaint / totals.delivered, 10);
    expect(a.totals.unsubscribeRate).toBeCloseTo(totals.unsubscribed / totals.delivered, 10);

    expect(byKey(a.byTenant, 'id')).toEqual(groupedBy(mine, (e) => [gid('Tenant')(e.tenantId)]));
    expect(byKey(a.byDomain, 'id')).toEqual(groupedBy(mine, (e) => [gid('Domain')(e.domainId)]));
    expect(byKey(a.bySenderIdentity, 'id')).toEqual(groupedBy(mine, (e) => [gid('SenderIdentity')(e.senderIdentityId)]));
    expect(byKey(a.byTemplate, 'id')).toEqual(groupedBy(mine, (e) => [gid('Template')(templateOf.get(e.messageId) ?? null)]));
    expect(byKey(a.byTag, 'key')).toEqual(groupedBy(mine, (e) => e.tags));
    expect(Object.keys(byKey(a.byTag, 'key')).sort()).toEqual(TAGS);

    const share = (rows: { key: string; count: number; share: number }[]) => Object.fromEntries(rows.map((r) => [r.key, { count: r.count, share: r.share }]));
    expect(share(a.byCountry)).toEqual(readers(mine, 'OPENED', (e) => String(e.data.country ?? 'UNKNOWN')));
    expect(share(a.byClient)).toEqual(readers(mine, 'CLICKED_UNIQUE', (e) => String(e.data.client ?? 'UNKNOWN')));
    expect(share(a.byReadingEnvironment)).toEqual(readers(mine, 'OPENED', (e) => ({ webmail: 'WEBMAIL', mobile: 'MOBILE', desktop: 'DESKTOP' })[String(e.data.environment)] ?? 'OTHER'));
    expect(a.byReadingEnvironment.map((r: any) => r.key).sort()).toEqual(['DESKTOP', 'MOBILE', 'OTHER', 'WEBMAIL']);
  });

  for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo']) {
    it(`a daily series in ${tz}: one point per local day from local midnight, zeros included, DST days 23/25 hours long`, async () => {
      const a = await analytics(A.adminToken, {}, 'DAY', tz);
      const mine = ofAccount(A.accountId);
      const days = groupedBy(mine, (e) => [localDay(e.occurredAt, tz)]);
      const firstDay = localDay(new Date(FROM), tz);
      const lastDay = localDay(new Date(Date.parse(TO) - 1), tz);
      const points = a.series.map((p: any) => ({ day: localDay(new Date(p.start), tz), time: localTime(new Date(p.start), tz), counts: p.counts }));
      expect(points[0].day).toBe(firstDay);
      expect(points.at(-1).day).toBe(lastDay);
      for (const p of points) {
        expect(p.time).toBe('00:00');
        expect(p.counts, `${tz} ${p.day}`).toEqual(days[p.day] ?? expected([]));
      }
      expect(new Set(points.map((p: any) => p.day)).size).toBe(points.length);
      const lengths = a.series.slice(1).map((p: any, i: number) => (Date.parse(p.start) - Date.parse(a.series[i].start)) / 3600_000);
      const dst = { 'Europe/Berlin': '2026-10-25', 'America/New_York': '2026-11-01' }[tz];
      for (const [i, h] of lengths.entries()) expect(h, `${tz} ${points[i].day}`).toBe(points[i].day === dst ? 25 : 24);
    });
  }

  it('a half-hour zone (Asia/Kolkata): each UTC hour counts in the local day its start falls in (the documented approximation)', async () => {
    const tz = 'Asia/Kolkata';
    const a = await analytics(A.adminToken, {}, 'DAY', tz);
    const hourStart = (e: EventRow) => new Date(Math.floor(e.occurredAt.getTime() / 3600_000) * 3600_000);
    const days = groupedBy(ofAccount(A.accountId), (e) => [localDay(hourStart(e), tz)]);
    for (const p of a.series) {
      expect(localTime(new Date(p.start), tz)).toBe('00:00');
      expect(p.counts).toEqual(days[localDay(new Date(p.start), tz)] ?? expected([]));
    }
  });

  it('a range without mail has a point per day, all zeros', async () => {
    const res = await s.gql<any, any>(QUERY, { filter: { from: '2026-06-01T00:00:00Z', to: '2026-06-08T00:00:00Z' }, timezone: 'Europe/Berlin' }, A.adminToken);
    const a = res.data.analytics;
    expect(a.series.map((p: any) => p.start)).toEqual(
      ['2026-05-31', '2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-06', '2026-06-07'].map((d) => `${d}T22:00:00.000Z`),
    );
    expect(a.series.every((p: any) => Object.values(p.counts).every((n) => n === 0))).toBe(true);
    expect(a.totals).toMatchObject({ ...expected([]), openRate: 0, deliveryRate: 0 });
    expect(a.byTenant).toEqual([]);
  });

  it('hourly, weekly and monthly series add up to the same totals; a month in Berlin starts at local midnight', async () => {
    const mine = ofAccount(A.accountId);
    const hourly = await analytics(A.adminToken, {}, 'HOUR', 'Europe/Berlin');
    expect(hourly.series).toHaveLength((Date.parse(TO) - Date.parse(FROM)) / 3600_000);
    const hours = groupedBy(mine, (e) => [new Date(Math.floor(e.occurredAt.getTime() / 3600_000) * 3600_000).toISOString()]);
    for (const p of hourly.series) expect(p.counts).toEqual(hours[new Date(p.start).toISOString()] ?? expected([]));
    const monthly = await analytics(A.adminToken, {}, 'MONTH', 'Europe/Berlin');
    expect(monthly.series.map((p: any) => p.start)).toEqual(['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z']);
    expect(monthly.series.map((p: any) => p.counts)).toEqual(['2026-10', '2026-11'].map((m) => expected(mine.filter((e) => localDay(e.occurredAt, 'Europe/Berlin').startsWith(m)))));
    const weekly = await analytics(A.adminToken, {}, 'WEEK', 'America/New_York');
    expect(weekly.series.map((p: any) => localTime(new Date(p.start), 'America/New_York'))).toEqual(weekly.series.map(() => '00:00'));
    expect(weekly.series.map((p: any) => new Date(p.start).getUTCDay() === 1 || new Date(p.start).getUTCDay() === 0)).toEqual(weekly.series.map(() => true));
    const sum = (series: any[]) => series.reduce((n, p) => n + p.counts.sent, 0);
    expect(sum(weekly.series)).toBe(expected(mine).sent);
    expect(sum(hourly.series)).toBe(expected(mine).sent);
  });

  it('filters: tenant, sender identity, domain, template and tags (a message counts once under each listed tag it carries)', async () => {
    const mine = ofAccount(A.accountId);
    const cases: [Record<string, unknown>, (e: EventRow) => number][] = [
      [{ tenantIds: [toGlobalId('Tenant', c1.tenantId)] }, (e) => +(e.tenantId === c1.tenantId)],
      [{ senderIdentityIds: [toGlobalId('SenderIdentity', c2.identityId)] }, (e) => +(e.senderIdentityId === c2.identityId)],
      [{ domainIds: [toGlobalId('Domain', c1.agencyDomainId)] }, (e) => +(e.domainId === c1.agencyDomainId)],
      [{ templateIds: [toGlobalId('Template', c2.templateId)] }, (e) => +(templateOf.get(e.messageId) === c2.templateId)],
      [{ tags: ['vip'] }, (e) => +e.tags.includes('vip')],
      [{ tags: ['vip', 'news'] }, (e) => +e.tags.includes('vip') + +e.tags.includes('news')],
      [{ tenantIds: [toGlobalId('Tenant', c1.tenantId)], tags: ['promo'] }, (e) => +(e.tenantId === c1.tenantId && e.tags.includes('promo'))],
    ];
    for (const [filter, weight] of cases) {
      const a = await analytics(A.adminToken, filter);
      expect(a.totals, JSON.stringify(filter)).toMatchObject(expected(mine.flatMap((e) => Array(weight(e)).fill(e))));
    }
  });
});

describe('analytics is scoped', () => {
  it('a tenant token counts only its tenant’s mail, whatever its filter asks for', async () => {
    const own = ofAccount(A.accountId).filter((e) => e.tenantId === c1.tenantId);
    const a = await analytics(tokens.tenant1);
    expect(a.totals).toMatchObject(expected(own));
    expect(a.byTenant.map((r: any) => r.id)).toEqual([toGlobalId('Tenant', c1.tenantId)]);
    expect(byKey(a.byTag, 'key')).toEqual(groupedBy(own, (e) => e.tags));
    const foreign = await analytics(tokens.tenant1, { tenantIds: [toGlobalId('Tenant', c2.tenantId)] });
    expect(foreign.totals).toMatchObject(expected([]));
    expect(foreign.series.every((p: any) => p.counts.sent === 0)).toBe(true);
    expect([...foreign.byTenant, ...foreign.byDomain, ...foreign.bySenderIdentity, ...foreign.byTemplate, ...foreign.byTag, ...foreign.byCountry]).toEqual([]);
    expect(JSON.stringify(foreign)).not.toContain(toGlobalId('Tenant', c2.tenantId));
  });

  it('an identity token counts only its identity’s mail (by id, not by tag), a domain token only its domain’s', async () => {
    const ident = await analytics(tokens.identity1);
    const identOwn = ofAccount(A.accountId).filter((e) => e.senderIdentityId === c1.identityId);
    expect(identOwn.length).toBeGreaterThan(10);
    expect(ident.totals).toMatchObject(expected(identOwn));
    expect(ident.bySenderIdentity.map((r: any) => r.id)).toEqual([toGlobalId('SenderIdentity', c1.identityId)]);
    expect(byKey(ident.byTag, 'key')).toEqual(groupedBy(identOwn, (e) => e.tags));
    const dom = await analytics(tokens.domain1);
    expect(dom.totals).toMatchObject(expected(ofAccount(A.accountId).filter((e) => e.domainId === c1.domainId)));
    expect(dom.byDomain.map((r: any) => r.id)).toEqual([toGlobalId('Domain', c1.domainId)]);
  });

  it('a tenant’s series and totals (read from its hourly totals) still count what its scope reaches under another tenant: c2’s identity sending through c1’s domain', async () => {
    // Mail of c2's sender identity signed by c1's domain: c1's token reaches it through its domain, c2's through its tenant.
    const rnd = prng(7);
    const crossing = [];
    for (let i = 0; i < 6; i++) {
      const m = await insertAnalyticsMessage(s, { accountId: A.accountId, domainId: c1.domainId, tenantId: c2.tenantId, identityId: c2.identityId, templateId: null, tags: ['vip'] });
      crossing.push(...messageLife(m, new Date(Date.parse(FROM) + (i * 37 + 5) * 3_600_000), rnd));
    }
    events = [...events, ...(await recordAll(s, crossing))];
    await s.app.consumers!.drain();
    const sum = (series: any[], k: string) => series.reduce((n, p) => n + p.counts[k], 0);
    for (const [token, reaches] of [
      [tokens.tenant1, (e: EventRow) => e.tenantId === c1.tenantId || e.domainId === c1.domainId],
      [tokens.tenant2, (e: EventRow) => e.tenantId === c2.tenantId],
    ] as const) {
      const want = expected(ofAccount(A.accountId).filter(reaches));
      expect(want.sent).toBeGreaterThan(0);
      for (const groupBy of ['DAY', 'HOUR']) {
        const a = await analytics(token, {}, groupBy);
        expect(a.totals).toMatchObject(want);
        for (const k of Object.values(FIELDS)) expect(sum(a.series, k), k).toBe(want[k]);
      }
    }
    // The agency's view of c1 by filter counts c1's mail alone.
    const agency = await analytics(A.adminToken, { tenantIds: [toGlobalId('Tenant', c1.tenantId)] });
    expect(agency.totals).toMatchObject(expected(ofAccount(A.accountId).filter((e) => e.tenantId === c1.tenantId)));
  });

  it('another account sees only its own numbers; asking for account A’s ids counts nothing', async () => {
    const b = await analytics(B.adminToken);
    expect(b.totals).toMatchObject(expected(ofAccount(B.accountId)));
    const aimed = await analytics(B.adminToken, { tenantIds: [toGlobalId('Tenant', c1.tenantId)] });
    expect(aimed.totals).toMatchObject(expected([]));
    expect(JSON.stringify(b)).not.toContain(toGlobalId('Tenant', c1.tenantId));
  });

  it('needs ANALYTICS_READ', async () => {
    const res = await s.gql<any, any>(QUERY, { filter: { from: FROM, to: TO } }, tokens.noPermission);
    expect(errorCode(res)).toBe('FORBIDDEN');
    expect(res.data).toBeNull();
  });
});

describe('analytics input', () => {
  const bad = async (variables: Record<string, unknown>) => {
    const res = await s.gql<any, any>(
      'query($filter: AnalyticsFilterInput!, $groupBy: AnalyticsInterval, $timezone: String) { analytics(filter: $filter, groupBy: $groupBy, timezone: $timezone) { totals { sent } } }',
      variables,
      A.adminToken,
    );
    return { code: errorCode(res), field: res.errors?.[0]?.extensions?.field, message: res.errors?.[0]?.message };
  };
  it('answers BAD_USER_INPUT naming the field', async () => {
    expect(await bad({ filter: { from: '2025-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
    expect(await bad({ filter: { from: TO, to: FROM } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
    expect(await bad({ filter: { from: FROM, to: TO }, timezone: 'Mars/Olympus' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timezone' });
    expect(await bad({ filter: { from: FROM, to: TO }, timezone: "UTC'; drop table x" })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timezone' });
    expect(await bad({ filter: { from: '2026-01-01T00:00:00Z', to: TO }, groupBy: 'HOUR' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    expect(await bad({ filter: { from: FROM, to: TO, tenantIds: ['nope'] } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.tenantIds' });
    expect((await bad({ filter: { to: TO } })).code).toBe('BAD_USER_INPUT');
    expect((await bad({ filter: { to: TO } })).message).toContain('from');
  });
});
