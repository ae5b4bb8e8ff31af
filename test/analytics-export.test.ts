import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import type { EventRow } from '../src/events/event-row';
import { toGlobalId } from '../src/graphql/global-id';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { ANALYTICS_FROM as FROM, ANALYTICS_TO as TO, seedAnalytics, type SeededAnalytics } from './support/analytics-fixture';
import { insertApiToken } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

/** exportAnalytics: signed, expiring, streamed links whose numbers are their principal's (and report's) scope only. */
let s: TestServer;
let x: SeededAnalytics;
let offsetMs = 0;
const tokens: Record<string, string> = {};
let identityTokenUuid = '';

beforeAll(async () => {
  s = await startTestServer({ runWorker: true }, { deps: { clock: { now: () => new Date(Date.now() + offsetMs) } } });
  x = await seedAnalytics(s);
  const tok = (opts: Partial<Parameters<typeof insertApiToken>[1]>) => insertApiToken(s, { accountId: x.A.accountId, permissions: [Permission.ANALYTICS_READ], ...opts });
  tokens.tenant1 = (await tok({ tenantUuid: x.c1.tenantId })).secret;
  tokens.tenant2 = (await tok({ tenantUuid: x.c2.tenantId })).secret;
  const ident = await tok({ identityUuid: x.c1.identityId });
  tokens.identity1 = ident.secret;
  identityTokenUuid = ident.tokenUuid;
}, 120_000);
afterAll(() => s?.stop());

const EXPORT = 'mutation($i: ExportAnalyticsInput!) { exportAnalytics(input: $i) { url expiresAt } }';
const sentOf = (list: EventRow[]) => list.filter((e) => e.type === 'SENT' && e.occurredAt >= new Date(FROM) && e.occurredAt < new Date(TO)).length;
const ofA = () => x.events.filter((e) => e.accountId === x.A.accountId);

async function link(token: string, input: Record<string, unknown>): Promise<string> {
  return new URL(ok(await s.gql<any, any>(EXPORT, { i: input }, token)).exportAnalytics.url).pathname;
}
async function download(path: string) {
  const res = await fetch(`${s.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), length: res.headers.get('content-length'), body: await res.text() };
}
function csv(body: string): Record<string, string>[] {
  const [head, ...lines] = body.trim().split('\r\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

describe('exportAnalytics', () => {
  it('streams a CSV with a header row and the timezone, equal to the analytics series', async () => {
    const filter = { from: FROM, to: TO };
    const path = await link(x.A.adminToken, { filter, groupBy: 'DAY', timezone: 'Europe/Berlin', format: 'CSV' });
    const res = await download(path);
    expect(res).toMatchObject({ status: 200, type: 'text/csv; charset=utf-8', length: null });
    expect(res.body.split('\r\n')[0]).toBe(
      'start,local_start,timezone,interval,queued,sent,delivered,deferred,soft_bounced,hard_bounced,opened,opened_unique,clicked,clicked_unique,unsubscribed,spam_complaint,suppressed,delivery_rate,open_rate,click_rate,bounce_rate,complaint_rate,unsubscribe_rate',
    );
    const rows = csv(res.body);
    const q = ok(
      await s.gql<any, any>(
        'query($f: AnalyticsFilterInput!) { analytics(filter: $f, timezone: "Europe/Berlin") { series { start counts { sent openedUnique openRate } } } }',
        { f: filter },
        x.A.adminToken,
      ),
    );
    expect(rows.map((r) => [r.start, Number(r.sent), Number(r.opened_unique), Number(r.open_rate)])).toEqual(
      q.analytics.series.map((p: any) => [p.start, p.counts.sent, p.counts.openedUnique, p.counts.openRate]),
    );
    expect(rows.every((r) => r.timezone === 'Europe/Berlin' && r.interval === 'DAY' && r.local_start.endsWith('T00:00:00'))).toBe(true);
    expect(rows.reduce((n, r) => n + Number(r.sent), 0)).toBe(sentOf(ofA()));
  });

  it('JSON states the timezone and carries the same series', async () => {
    const res = await download(await link(x.A.adminToken, { filter: { from: FROM, to: TO }, groupBy: 'WEEK', timezone: 'America/New_York', format: 'JSON' }));
    expect(res.type).toBe('application/json; charset=utf-8');
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ timezone: 'America/New_York', interval: 'WEEK', from: FROM, to: TO });
    expect(body.series.reduce((n: number, p: any) => n + p.sent, 0)).toBe(sentOf(ofA()));
  });

  it('a tenant’s link counts only its tenant, whatever its filter names; another tenant’s report cannot be exported', async () => {
    const own = csv((await download(await link(tokens.tenant1, { filter: { from: FROM, to: TO }, format: 'CSV' }))).body);
    expect(own.reduce((n, r) => n + Number(r.sent), 0)).toBe(sentOf(ofA().filter((e) => e.tenantId === x.c1.tenantId)));
    const aimed = csv((await download(await link(tokens.tenant1, { filter: { from: FROM, to: TO, tenantIds: [toGlobalId('Tenant', x.c2.tenantId)] }, format: 'CSV' }))).body);
    expect(aimed.length).toBeGreaterThan(5);
    expect(aimed.every((r) => r.sent === '0' && r.opened === '0' && r.queued === '0')).toBe(true);
    const report = ok(await s.gql<any, any>('mutation($i: CreateReportInput!) { createReport(input: $i) { report { id } } }', { i: { name: 'Mine', filter: { from: FROM, to: TO } } }, tokens.tenant1))
      .createReport.report;
    const res = await s.gql<any, any>(EXPORT, { i: { reportId: report.id, format: 'CSV' } }, tokens.tenant2);
    expect(errorCode(res)).toBe('NOT_FOUND');
    const both = await s.gql<any, any>(EXPORT, { i: { reportId: report.id, filter: { from: FROM, to: TO }, format: 'CSV' } }, tokens.tenant1);
    expect([errorCode(both), both.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'input.reportId']);
  });

  it('an identity’s report exports only the identity’s mail, even through the agency’s link; a deleted report ends its links', async () => {
    const report = ok(
      await s.gql<any, any>('mutation($i: CreateReportInput!) { createReport(input: $i) { report { id } } }', { i: { name: 'Ident', filter: { from: FROM, to: TO } } }, tokens.identity1),
    ).createReport.report;
    const own = sentOf(ofA().filter((e) => e.senderIdentityId === x.c1.identityId));
    expect(own).toBeGreaterThan(0);
    for (const token of [tokens.identity1, x.A.adminToken]) {
      const rows = csv((await download(await link(token, { reportId: report.id, format: 'CSV' }))).body);
      expect(rows.reduce((n, r) => n + Number(r.sent), 0)).toBe(own);
    }
    const path = await link(x.A.adminToken, { reportId: report.id, format: 'CSV' });
    ok(await s.gql<any, any>('mutation($id: ID!) { deleteReport(input: { id: $id }) { deletedId } }', { id: report.id }, tokens.identity1));
    expect((await download(path)).status).toBe(404);
  });

  it('links expire, refuse tampering and die with their token', async () => {
    const path = await link(tokens.identity1, { filter: { from: FROM, to: TO }, format: 'CSV' });
    expect((await download(path)).status).toBe(200);
    const token = path.split('/').at(-1)!;
    expect((await download(`/analytics/export/${token[0] === 'A' ? 'B' : 'A'}${token.slice(1)}`)).status).toBe(404);
    offsetMs = 61 * 60_000;
    try {
      expect((await download(path)).status).toBe(404);
    } finally {
      offsetMs = 0;
    }
    await systemEm(s.app.orm).nativeUpdate(ApiToken, { id: identityTokenUuid }, { revokedAt: new Date() });
    const gone = await download(path);
    expect(gone.status).toBe(404);
    expect(gone.body).not.toContain('sent');
  });
});
