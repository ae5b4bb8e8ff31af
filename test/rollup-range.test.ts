import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { ActivityEventType as T } from '../src/events/event-type';
import { insertEvents } from '../src/events/events.queries';
import { rollUpRange } from '../src/modules/analytics/rollup-writes.queries';
import { messageEvent } from '../src/modules/sending/message-event';
import { insertAnalyticsMessage, insertClient } from './support/analytics-fixture';
import { insertDomain } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';
import { aggregate, tenantTotals } from './support/rollup-seed';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(); // no worker: nothing but this test rolls the events up
});
afterAll(() => s?.stop());

const sortRows = (rows: object[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('rollUpRange (the analytics consumer’s SQL)', () => {
  it('adds exactly what the in-memory reference counts: tags once each, templates, UTC hours, readers (blank, non-text, lower-case), account totals; nothing outside the range', async () => {
    const A = await s.newAccount('Rollup range');
    const agency = await insertDomain(s, { accountId: A.accountId, tenantUuid: null });
    const c = await insertClient(s, A.accountId, agency.id, 'Range');
    const withTemplate = await insertAnalyticsMessage(s, { accountId: A.accountId, domainId: c.domainId, tenantId: c.tenantId, identityId: null, templateId: c.templateId, tags: ['a', 'b', 'a'] });
    const viaIdentity = await insertAnalyticsMessage(s, {
      accountId: A.accountId,
      domainId: agency.id,
      tenantId: c.tenantId,
      identityId: c.identityId,
      templateId: null,
      tags: ['say "hi", {x} \\ NULL'],
    });
    const at = (iso: string) => new Date(iso);
    const em = systemEm(s.app.orm);
    const [before] = await insertEvents(em, [messageEvent(withTemplate, T.SENT, {}, at('2026-03-29T00:30:00Z'))]);
    const events = await insertEvents(em, [
      messageEvent(withTemplate, T.SENT, {}, at('2026-03-29T01:59:59.999Z')),
      messageEvent(withTemplate, T.DELIVERED, {}, at('2026-03-29T02:00:00Z')),
      messageEvent(withTemplate, T.OPENED, { country: 'de', client: '  Gmail  ', environment: 'webmail' }, at('2026-03-29T02:10:00Z')),
      messageEvent(withTemplate, T.OPENED_UNIQUE, { country: 'de', client: '  Gmail  ', environment: 'webmail' }, at('2026-03-29T02:10:00Z')),
      messageEvent(withTemplate, T.CLICKED, { country: '   ', client: 42, environment: 'tv' }, at('2026-03-29T02:20:00Z')),
      messageEvent(viaIdentity, T.CLICKED_UNIQUE, { country: 'frankreich-lang', client: 'x'.repeat(80), environment: 'MOBILE' }, at('2026-03-29T02:20:00Z')),
      messageEvent(viaIdentity, T.HARD_BOUNCED, {}, at('2026-03-29T03:00:00Z')),
      messageEvent(viaIdentity, T.RENDER_FAILED, {}, at('2026-03-29T03:00:00Z')),
    ]);
    const [after] = await insertEvents(em, [messageEvent(viaIdentity, T.SENT, {}, at('2026-03-29T04:00:00Z'))]);
    expect(BigInt(before.id) < BigInt(events[0].id) && BigInt(events.at(-1)!.id) < BigInt(after.id)).toBe(true);

    await em.transactional((tx) => rollUpRange(tx, before.id, events.at(-1)!.id));

    const want = aggregate(events, new Map([[withTemplate.id, c.templateId]]));
    const norm = (r: object) => ({ ...r, hour: new Date((r as { hour: string }).hour).toISOString() });
    const read = async (table: string, cols: string) => (await em.fork().execute<Record<string, unknown>[]>(`select ${cols} from ${table} where account_id = ?`, [A.accountId])).map(norm);
    const keys = (rows: object[]) => Object.keys(rows[0]).join(', ');
    expect(sortRows(await read('analytics_hourly', keys(want.hourly)))).toEqual(sortRows(want.hourly.map(norm)));
    expect(sortRows(await read('analytics_engagement_hourly', keys(want.engagement)))).toEqual(sortRows(want.engagement.map(norm)));
    expect(sortRows(await read('analytics_hourly_account', keys(want.account)))).toEqual(sortRows(want.account.map(norm)));
    // Each tenant's hourly totals: its tag-less owner rows summed by hour.
    const tenants = tenantTotals(want.hourly);
    expect(tenants.length).toBeGreaterThan(1);
    expect(sortRows(await read('analytics_hourly_tenant', keys(tenants)))).toEqual(sortRows(tenants.map(norm)));
    // The reference itself, spelled out: 3 rows for the tagged message's SENT hour (null, a, b), readers as the API names them.
    expect(want.hourly.filter((r) => r.sent === 1 && r.template_id === c.templateId).map((r) => r.tag)).toEqual([null, 'a', 'b']);
    expect(want.engagement.filter((r) => r.tag === null).map((r) => [r.country, r.client, r.environment])).toEqual([
      ['DE', 'Gmail', 'WEBMAIL'],
      ['UNKNOWN', 'UNKNOWN', 'OTHER'],
      ['FRANKREI', 'x'.repeat(64), 'MOBILE'],
    ]);
    expect(want.account.reduce((n, r) => n + r.sent, 0)).toBe(1); // the events before and after the range are not counted
  });
});
