import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import type { EventRow } from '../src/events/event-row';
import { toGlobalId } from '../src/graphql/global-id';
import { ANALYTICS_FROM as FROM, ANALYTICS_TO as TO, seedAnalytics, type SeededAnalytics } from './support/analytics-fixture';
import { insertApiToken } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

/** Saved reports: CRUD, relative ranges, and a report only ever counting its maker's scope. */
let s: TestServer;
let x: SeededAnalytics;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  s = await startTestServer({ runWorker: true });
  x = await seedAnalytics(s);
  const tok = async (opts: Partial<Parameters<typeof insertApiToken>[1]>) => (await insertApiToken(s, { accountId: x.A.accountId, permissions: [Permission.ANALYTICS_READ], ...opts })).secret;
  tokens.tenant1 = await tok({ tenantUuid: x.c1.tenantId });
  tokens.tenant2 = await tok({ tenantUuid: x.c2.tenantId });
  tokens.identity1 = await tok({ identityUuid: x.c1.identityId });
}, 120_000);
afterAll(() => s?.stop());

const sent = (list: EventRow[]) => list.filter((e) => e.type === 'SENT' && e.occurredAt >= new Date(FROM) && e.occurredAt < new Date(TO)).length;
const ofA = () => x.events.filter((e) => e.accountId === x.A.accountId);

const CREATE = `mutation($input: CreateReportInput!) { createReport(input: $input) { report { id name description groupBy timezone breakdowns
  filter { from to lastDays tenantIds tags } result { totals { sent delivered } series { start } byTenant { id } } } } }`;
const READ = `query($id: ID!) { report(id: $id) { id name result { totals { sent } bySenderIdentity { id counts { sent } } byTenant { id } } } }`;

async function create(token: string, input: Record<string, unknown>) {
  return s.gql<any, any>(CREATE, { input: { name: 'Weekly', ...input } }, token);
}

describe('saved reports', () => {
  it('creates, reads, lists, updates and deletes a report; its result equals the analytics of its definition', async () => {
    const res = ok(await create(x.A.adminToken, { description: 'All clients', filter: { from: FROM, to: TO }, groupBy: 'WEEK', timezone: 'Europe/Berlin', breakdowns: ['TENANT', 'COUNTRY'] }));
    const r = res.createReport.report;
    expect(r).toMatchObject({ name: 'Weekly', description: 'All clients', groupBy: 'WEEK', timezone: 'Europe/Berlin', breakdowns: ['TENANT', 'COUNTRY'] });
    expect(r.filter).toEqual({ from: FROM, to: TO, lastDays: null, tenantIds: null, tags: null });
    expect(r.result.totals.sent).toBe(sent(ofA()));
    expect(r.result.byTenant.map((t: any) => t.id).sort()).toEqual([null, toGlobalId('Tenant', x.c1.tenantId), toGlobalId('Tenant', x.c2.tenantId)].sort());
    const list = ok(await s.gql<any, any>('{ reports(first: 100) { totalCount edges { node { id name } } } }', undefined, x.A.adminToken));
    expect(list.reports.edges.map((e: any) => e.node.id)).toContain(r.id);
    const node = ok(await s.gql<any, any>('query($id: ID!) { node(id: $id) { __typename id } }', { id: r.id }, x.A.adminToken));
    expect(node.node).toEqual({ __typename: 'Report', id: r.id });
    const upd = ok(
      await s.gql<any, any>(
        'mutation($input: UpdateReportInput!) { updateReport(input: $input) { report { name filter { tags } result { totals { sent } } } } }',
        { input: { id: r.id, name: 'VIP', filter: { from: FROM, to: TO, tags: ['vip'] } } },
        x.A.adminToken,
      ),
    );
    expect(upd.updateReport.report).toEqual({ name: 'VIP', filter: { tags: ['vip'] }, result: { totals: { sent: sent(ofA().filter((e) => e.tags.includes('vip'))) } } });
    const del = ok(await s.gql<any, any>('mutation($input: DeleteReportInput!) { deleteReport(input: $input) { deletedId } }', { input: { id: r.id } }, x.A.adminToken));
    expect(del.deleteReport.deletedId).toBe(r.id);
    expect(errorCode(await s.gql<any, any>(READ, { id: r.id }, x.A.adminToken))).toBe('NOT_FOUND');
  });

  it('a relative range ("last 60 days") is computed when the report is read', async () => {
    const r = ok(await create(x.A.adminToken, { filter: { lastDays: 60, tenantIds: [toGlobalId('Tenant', x.c1.tenantId)] }, timezone: 'America/New_York' })).createReport.report;
    expect(r.filter).toMatchObject({ from: null, to: null, lastDays: 60 });
    expect(r.result.series).toHaveLength(60);
    // Every seeded event is within the last 60 days, including those just before FROM.
    expect(r.result.totals.sent).toBe(ofA().filter((e) => e.type === 'SENT' && e.tenantId === x.c1.tenantId).length);
  });

  it('an identity token’s report counts only that identity’s mail, whoever reads it and whatever its filter says', async () => {
    const r = ok(await create(tokens.identity1, { filter: { from: FROM, to: TO } })).createReport.report;
    const own = ofA().filter((e) => e.senderIdentityId === x.c1.identityId);
    expect(r.result.totals.sent).toBe(sent(own));
    // The agency reads it: still only the identity's mail.
    const read = ok(await s.gql<any, any>(READ, { id: r.id }, x.A.adminToken)).report;
    expect(read.result.totals.sent).toBe(sent(own));
    expect(read.result.bySenderIdentity.map((i: any) => i.id)).toEqual([toGlobalId('SenderIdentity', x.c1.identityId)]);
    // Widening its filter through the agency changes nothing: the owner scope bounds it.
    const upd = ok(
      await s.gql<any, any>(
        'mutation($input: UpdateReportInput!) { updateReport(input: $input) { report { result { totals { sent } byTenant { id } } } } }',
        { input: { id: r.id, filter: { from: FROM, to: TO, tenantIds: [toGlobalId('Tenant', x.c2.tenantId)] } } },
        x.A.adminToken,
      ),
    );
    expect(upd.updateReport.report.result.totals.sent).toBe(0);
    expect(upd.updateReport.report.result.byTenant).toEqual([]);
  });

  it('a tenant’s report is its own: another tenant cannot read, list, change or delete it, nor name another tenant in a filter', async () => {
    const r = ok(await create(tokens.tenant1, { filter: { from: FROM, to: TO } })).createReport.report;
    expect(r.result.totals.sent).toBe(sent(ofA().filter((e) => e.tenantId === x.c1.tenantId)));
    expect(r.result.byTenant.map((t: any) => t.id)).toEqual([toGlobalId('Tenant', x.c1.tenantId)]);
    const other = await s.gql<any, any>(READ, { id: r.id }, tokens.tenant2);
    expect(errorCode(other)).toBe('NOT_FOUND');
    expect(JSON.stringify(other)).not.toContain('Weekly');
    const list = ok(await s.gql<any, any>('{ reports { totalCount edges { node { id } } } }', undefined, tokens.tenant2));
    expect(list.reports).toEqual({ totalCount: 0, edges: [] });
    expect(ok(await s.gql<any, any>('query($id: ID!) { node(id: $id) { id } }', { id: r.id }, tokens.tenant2)).node).toBeNull();
    for (const [m, input] of [
      ['updateReport(input: { id: $id, name: "x" }) { report { id } }', {}],
      ['deleteReport(input: { id: $id }) { deletedId }', {}],
    ] as const) {
      const res = await s.gql<any, any>(`mutation($id: ID!) { ${m} }`, { id: r.id, ...input }, tokens.tenant2);
      expect(errorCode(res)).toBe('NOT_FOUND');
    }
    expect(ok(await s.gql<any, any>(READ, { id: r.id }, tokens.tenant1)).report.name).toBe('Weekly');
    const foreign = await create(tokens.tenant1, { filter: { from: FROM, to: TO, tenantIds: [toGlobalId('Tenant', x.c2.tenantId)] } });
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    expect(foreign.errors![0].extensions!.field).toBe('input.filter.tenantIds');
    const otherAccount = await create(x.B.adminToken, { filter: { from: FROM, to: TO, domainIds: [toGlobalId('Domain', x.c1.domainId)] } });
    expect(errorCode(otherAccount)).toBe('NOT_FOUND');
    expect(errorCode(await s.gql<any, any>(READ, { id: r.id }, x.B.adminToken))).toBe('NOT_FOUND');
  });

  it('bad definitions answer BAD_USER_INPUT naming the field', async () => {
    const field = async (input: Record<string, unknown>) => {
      const res = await create(x.A.adminToken, input);
      return [errorCode(res), res.errors?.[0]?.extensions?.field];
    };
    expect(await field({ filter: { lastDays: 7, from: FROM, to: TO } })).toEqual(['BAD_USER_INPUT', 'input.filter.lastDays']);
    expect(await field({ filter: { lastDays: 400 } })).toEqual(['BAD_USER_INPUT', 'input.filter.lastDays']);
    expect(await field({ filter: { from: FROM } })).toEqual(['BAD_USER_INPUT', 'input.filter.to']);
    expect(await field({ filter: {} })).toEqual(['BAD_USER_INPUT', 'input.filter.from']);
    expect(await field({ name: ' ', filter: { lastDays: 7 } })).toEqual(['BAD_USER_INPUT', 'input.name']);
    expect(await field({ filter: { lastDays: 7 }, timezone: 'Nowhere/Else' })).toEqual(['BAD_USER_INPUT', 'input.timezone']);
    expect(await field({ filter: { lastDays: 90 }, groupBy: 'HOUR' })).toEqual(['BAD_USER_INPUT', 'input.groupBy']);
  });
});
