import { buildClientSchema, getIntrospectionQuery, type GraphQLField, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { SenderIdentity } from '../src/modules/identities/sender-identity.entity';
import { Template } from '../src/modules/templates/template.entity';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { Domain } from '../src/modules/domains/domain.entity';
import { Suppression } from '../src/modules/suppressions/suppression.entity';
import { buildMatrixFixture, type MatrixFixture } from './support/matrix-fixture';
import { operationsFor } from './support/schema-walker';
import { startTestServer, type TestServer } from './support/harness';

let s: TestServer;
let fx: MatrixFixture;
let schema: GraphQLSchema;

beforeAll(async () => {
  s = await startTestServer();
  fx = await buildMatrixFixture(s);
  const res = await s.gql<IntrospectionQuery, never>(getIntrospectionQuery(), undefined, null);
  schema = buildClientSchema(res.data!);
});
afterAll(() => s?.stop());

interface Leak {
  principal: string;
  field: string;
  variables: unknown;
  marker: string;
  response: string;
}

function rootFields(kind: 'query' | 'mutation'): GraphQLField<unknown, unknown>[] {
  const root = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  return root ? Object.values(root.getFields()) : [];
}

async function snapshot(): Promise<string> {
  const em = systemEm(s.app.orm);
  const uuid = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1];
  const ids = (t: string) => fx.foreignIds[t].map(uuid);
  const rows = await Promise.all([
    em.find(Tenant, { id: { $in: ids('Tenant') } }, { orderBy: { id: 'asc' } }),
    em.find(Domain, { id: { $in: ids('Domain') } }, { orderBy: { id: 'asc' } }),
    em.find(SenderIdentity, { id: { $in: ids('SenderIdentity') } }, { orderBy: { id: 'asc' } }),
    em.find(Template, { id: { $in: ids('Template') } }, { orderBy: { id: 'asc' } }),
    em.find(Suppression, { $or: [{ id: { $in: ids('Suppression') } }, { domain: { $in: ids('Domain') } }] }, { orderBy: { id: 'asc' } }),
  ]);
  return JSON.stringify(rows.map((list) => list.map((r) => ({ ...r, updatedAt: undefined }))));
}

describe('authorization matrix: every query and mutation, as every principal kind', () => {
  it('never returns a value of another client, and never changes another client’s data', async () => {
    const before = await snapshot();
    const leaks: Leak[] = [];
    const countMismatches: string[] = [];
    const internalErrors: string[] = [];
    let requests = 0;
    for (const kind of ['query', 'mutation'] as const) {
      for (const field of rootFields(kind)) {
        for (const p of fx.principals) {
          // Aim every id argument at what the principal must not reach, and look for those strings in the answer.
          const pool = p.reach === 'tenant1' ? fx.foreignIds : p.reach === 'accountA' ? fx.otherAccountIds : fx.accountAIds;
          const ids = (t: string | null) => (t ? (pool[t] ?? []) : Object.values(pool).flat());
          const markers = p.reach === 'tenant1' ? [...fx.tenant2Markers, ...fx.accountBMarkers] : p.reach === 'accountA' ? fx.accountBMarkers : fx.accountAMarkers;
          for (const op of operationsFor(schema, kind, field, ids)) {
            const res = await s.gql<Record<string, any>, any>(op.query, op.variables, p.token);
            requests++;
            const text = JSON.stringify(res);
            const marker = markers.find((m) => text.includes(m));
            if (marker) leaks.push({ principal: p.name, field: op.field, variables: op.variables, marker, response: text.slice(0, 400) });
            const conn = res.data?.[op.field];
            if (kind === 'query' && conn && typeof conn.totalCount === 'number' && Array.isArray(conn.edges) && !conn.pageInfo?.hasNextPage && conn.totalCount !== conn.edges.length) {
              countMismatches.push(`${p.name} ${op.field}: totalCount ${conn.totalCount} but ${conn.edges.length} edges`);
            }
            if (text.includes('INTERNAL_SERVER_ERROR')) internalErrors.push(`${p.name} ${op.field} ${JSON.stringify(op.variables)}`);
            expect(text, `${p.name} ${op.field}`).not.toMatch(/ at [\w.<>]+ \(|\/src\/|select .* from /i);
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(100);
    expect(leaks, JSON.stringify(leaks.slice(0, 5), null, 2)).toEqual([]);
    expect(countMismatches).toEqual([]);
    expect(internalErrors.slice(0, 10)).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('tenant-1 principals still see their own objects (the matrix is not vacuous)', async () => {
    const tenantToken = fx.principals.find((p) => p.name === 'tenant token 1')!.token;
    const res = await s.gql<any, any>(`query($id: ID!) { node(id: $id) { id __typename } }`, { id: fx.ownIds.Tenant[0] }, tenantToken);
    expect(res.data.node).toEqual({ id: fx.ownIds.Tenant[0], __typename: 'Tenant' });
    const foreign = await s.gql<any, any>(`query($id: ID!) { node(id: $id) { id } }`, { id: fx.foreignIds.Tenant[0] }, tenantToken);
    expect(foreign.data.node).toBeNull();
    const own = await s.gql<any, any>('{ suppressions { totalCount edges { node { id } } } }', undefined, tenantToken);
    expect(own.data.suppressions.totalCount).toBe(3);
    expect(own.data.suppressions.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(fx.ownIds.Suppression));
  });
});
