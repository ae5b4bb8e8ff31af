import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTenantDocument, DeleteTenantDocument, TenantDocument, TenantsDocument, UpdateTenantDocument, ViewerDocument } from './generated/graphql';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

describe('tenants', () => {
  it('creates, lists with cursors and totalCount, renames and deletes', async () => {
    const { adminToken } = await s.newAccount();
    const names = ['Acme', 'Globex', 'Initech'];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) ids.push(ok(await s.gql(CreateTenantDocument, { input: { name, tag: `t${i}` } }, adminToken)).createTenant.tenant.id);
    const page1 = ok(await s.gql(TenantsDocument, { first: 2 }, adminToken)).tenants;
    expect(page1.totalCount).toBe(3);
    expect(page1.edges.map((e) => e.node.name)).toEqual(['Acme', 'Globex']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = ok(await s.gql(TenantsDocument, { first: 2, after: page1.pageInfo.endCursor }, adminToken)).tenants;
    expect(page2.edges.map((e) => e.node.name)).toEqual(['Initech']);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const renamed = ok(await s.gql(UpdateTenantDocument, { input: { id: ids[0], name: 'Acme Corp' } }, adminToken)).updateTenant.tenant;
    expect(renamed).toMatchObject({ name: 'Acme Corp', tag: 't0' });
    expect(ok(await s.gql(TenantDocument, { id: ids[0] }, adminToken)).tenant.name).toBe('Acme Corp');

    expect(ok(await s.gql(DeleteTenantDocument, { input: { id: ids[1] } }, adminToken)).deleteTenant.deletedTenantId).toBe(ids[1]);
    expect(errorCode(await s.gql(TenantDocument, { id: ids[1] }, adminToken))).toBe('NOT_FOUND');
    expect(ok(await s.gql(TenantsDocument, {}, adminToken)).tenants.totalCount).toBe(2);
  });

  it('refuses a duplicate tag with CONFLICT naming the field, and bad input with BAD_USER_INPUT', async () => {
    const { adminToken } = await s.newAccount();
    ok(await s.gql(CreateTenantDocument, { input: { name: 'A', tag: 'same' } }, adminToken));
    const dup = await s.gql(CreateTenantDocument, { input: { name: 'B', tag: 'same' } }, adminToken);
    expect(errorCode(dup)).toBe('CONFLICT');
    expect(dup.errors?.[0].extensions?.field).toBe('tag');
    const bad = await s.gql(CreateTenantDocument, { input: { name: 'x'.repeat(201), tag: 'ok' } }, adminToken);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].extensions?.field).toBe('name');
    const badTag = await s.gql(CreateTenantDocument, { input: { name: 'ok', tag: 'Not A Tag' } }, adminToken);
    expect(badTag.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tag' });
    expect(ok(await s.gql(TenantsDocument, {}, adminToken)).tenants.totalCount).toBe(1);
  });

  it('another account sees nothing of these tenants and cannot change them', async () => {
    const a = await s.newAccount();
    const b = await s.newAccount();
    const id = ok(await s.gql(CreateTenantDocument, { input: { name: 'Secret client', tag: 'secret' } }, a.adminToken)).createTenant.tenant.id;
    expect(ok(await s.gql(TenantsDocument, {}, b.adminToken)).tenants.totalCount).toBe(0);
    const one = await s.gql(TenantDocument, { id }, b.adminToken);
    expect(errorCode(one)).toBe('NOT_FOUND');
    const upd = await s.gql(UpdateTenantDocument, { input: { id, name: 'pwned' } }, b.adminToken);
    expect(errorCode(upd)).toBe('NOT_FOUND');
    const del = await s.gql(DeleteTenantDocument, { input: { id, force: true } }, b.adminToken);
    expect(errorCode(del)).toBe('NOT_FOUND');
    expect(JSON.stringify([one, upd, del])).not.toContain('Secret client');
    expect(ok(await s.gql(TenantDocument, { id }, a.adminToken)).tenant.name).toBe('Secret client');
  });

  it('viewer describes the admin token', async () => {
    const { adminToken, accountId } = await s.newAccount('Viewer Agency');
    const v = ok(await s.gql(ViewerDocument, {}, adminToken)).viewer;
    expect(v).toMatchObject({ kind: 'API_TOKEN', tokenName: 'Admin (bootstrap)', account: { name: 'Viewer Agency' }, scope: { allDomains: true } });
    expect(v.permissions).toContain('MEMBERS_MANAGE');
    expect(accountId).toBeTruthy();
    expect(ok(await s.gql(ViewerDocument, {}, null)).viewer).toMatchObject({ kind: 'PUBLIC', account: null, scope: null });
  });

  it('rejects anonymous and invalid tokens', async () => {
    expect(errorCode(await s.gql(TenantsDocument, {}, null))).toBe('UNAUTHENTICATED');
    const bad = await s.gql(TenantsDocument, {}, 'mr_live_nope');
    expect(bad.status).toBe(401);
    expect(errorCode(bad)).toBe('UNAUTHENTICATED');
  });
});
