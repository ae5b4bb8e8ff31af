import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDashboard } from '../bench/seed';
import { startTestServer, type TestServer } from './support/harness';

let s: TestServer;
let queries: string[] = [];
beforeAll(async () => {
  // No request log: its writer's once-a-second insert would land in some counted windows and not others.
  s = await startTestServer({ requestLogs: false }, { onQuery: (sql) => queries.push(sql) });
});
afterAll(() => s?.stop());

const DASHBOARD = `query($first: Int) {
  tenants(first: $first) {
    totalCount
    edges { node {
      id name
      senderIdentities { id email }
      domains { id name templates { id name } senderIdentities { id } tenant { id } }
    } }
  }
}`;

async function countQueries(token: string, first: number): Promise<{ count: number; tenants: number; templates: number }> {
  queries = [];
  const res = await s.gql<any, any>(DASHBOARD, { first }, token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  const edges = res.data.tenants.edges;
  const templates = edges.flatMap((e: any) => e.node.domains.flatMap((d: any) => d.templates)).length;
  return { count: queries.length, tenants: edges.length, templates };
}

describe('DataLoader batching', () => {
  it('lists 50 tenants with domains, templates and identities in a fixed number of SQL statements', async () => {
    const { accountId, adminToken } = await s.newAccount();
    await seedDashboard(s.app.orm, accountId, s.app.config.secret, { tenants: 50, domainsPerTenant: 2, templatesPerDomain: 3, identitiesPerTenant: 1 });
    await countQueries(adminToken, 1); // the first request also records the token's lastUsedAt
    const small = await countQueries(adminToken, 2);
    const large = await countQueries(adminToken, 50);
    expect(large.tenants).toBe(50);
    expect(large.templates).toBe(50 * 2 * 3);
    expect(small.tenants).toBe(2);
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(12);
  });
});
