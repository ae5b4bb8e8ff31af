import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, Permission } from '../src/auth/permissions';
import { isWellFormedSecret } from '../src/auth/token-format';
import { systemEm } from '../src/context';
import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { sha256 } from '../src/lib/crypto';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { SenderIdentity } from '../src/modules/identities/sender-identity.entity';
import { ApiTokenScopeNodeDocument, ApiTokensDocument, CreateApiTokenDocument, RevokeApiTokenDocument, UpdateApiTokenDocument, ViewerDocument, type CreateApiTokenInput } from './generated/graphql';
import { buildTenant, insertDomain, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

const uuid = (gid: string) => parseGlobalId(gid)!.id;
const P = Permission;

async function insertIdentity(accountId: string, tenantGid: string, domainGid: string): Promise<string> {
  const em = systemEm(s.app.orm);
  const identity = em.create(SenderIdentity, { account: accountId, tenant: uuid(tenantGid), domain: uuid(domainGid), email: `${unique('me')}@client.example` });
  await em.flush();
  return toGlobalId('SenderIdentity', identity.id);
}

/** An account with two tenants, a domain each, an identity on domain A, and an admin token. */
async function world() {
  const { accountId, adminToken } = await s.newAccount();
  const tenantA = await buildTenant(s, adminToken, 'Client A');
  const tenantB = await buildTenant(s, adminToken, 'Client B');
  const domainA = toGlobalId('Domain', (await insertDomain(s, { accountId, tenantUuid: uuid(tenantA) })).id);
  const domainB = toGlobalId('Domain', (await insertDomain(s, { accountId, tenantUuid: uuid(tenantB) })).id);
  const identityA = await insertIdentity(accountId, tenantA, domainA);
  return { accountId, adminToken, tenantA, tenantB, domainA, domainB, identityA };
}

async function create(token: string, input: CreateApiTokenInput) {
  return ok(await s.gql(CreateApiTokenDocument, { input }, token)).createApiToken;
}

describe('API tokens', () => {
  it('returns a recognisable secret once; it authenticates, lastUsedAt is kept, and only its hash is stored', async () => {
    const w = await world();
    const { apiToken, secret } = await create(w.adminToken, { name: 'CI deploys', permissions: [P.DOMAINS_READ, P.EMAIL_SEND, P.DOMAINS_READ] });
    expect(secret.startsWith('mr_live_')).toBe(true);
    expect(isWellFormedSecret(secret, 'api')).toBe(true);
    expect(apiToken).toMatchObject({ name: 'CI deploys', permissions: ['DOMAINS_READ', 'EMAIL_SEND'], status: 'ACTIVE', lastUsedAt: null, scope: { kind: 'ACCOUNT', tenant: null, domain: null } });
    expect(apiToken.preview.startsWith(secret.slice(0, 12))).toBe(true);

    const viewer = ok(await s.gql(ViewerDocument, {}, secret)).viewer;
    expect(viewer).toMatchObject({ kind: 'API_TOKEN', tokenName: 'CI deploys', permissions: ['DOMAINS_READ', 'EMAIL_SEND'], scope: { allDomains: true } });
    const listed = ok(await s.gql(ApiTokensDocument, {}, w.adminToken)).apiTokens.edges.find((e) => e.node.id === apiToken.id)!.node;
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(ok(await s.gql(ApiTokensDocument, {}, w.adminToken)))).not.toContain(secret.slice(12));

    const rows = await systemEm(s.app.orm)
      .getConnection()
      .execute('select * from api_tokens where id = ?', [uuid(apiToken.id)]);
    expect(rows).toHaveLength(1);
    expect(rows[0].secret_hash).toBe(sha256(secret));
    expect(JSON.stringify(rows[0])).not.toContain(secret.slice(12, 40));
  });

  it('pause, unpause, revoke and expiry take effect at once (HTTP 401)', async () => {
    const w = await world();
    const { apiToken, secret } = await create(w.adminToken, { name: 'Short-lived', permissions: [P.DOMAINS_READ], expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(ok(await s.gql(ViewerDocument, {}, secret)).viewer.tokenName).toBe('Short-lived');

    const paused = ok(await s.gql(UpdateApiTokenDocument, { input: { id: apiToken.id, paused: true } }, w.adminToken)).updateApiToken.apiToken;
    expect(paused.status).toBe('PAUSED');
    const rejected = await s.gql(ViewerDocument, {}, secret);
    expect(rejected.status).toBe(401);
    expect(errorCode(rejected)).toBe('UNAUTHENTICATED');
    expect(ok(await s.gql(UpdateApiTokenDocument, { input: { id: apiToken.id, paused: false } }, w.adminToken)).updateApiToken.apiToken.status).toBe('ACTIVE');
    expect(ok(await s.gql(ViewerDocument, {}, secret)).viewer.tokenName).toBe('Short-lived');

    // A real expiry, with no change published: the per-process credential cache must not outlive it.
    const soon = Date.now() + 1200;
    ok(await s.gql(UpdateApiTokenDocument, { input: { id: apiToken.id, expiresAt: new Date(soon).toISOString() } }, w.adminToken));
    expect(ok(await s.gql(ViewerDocument, {}, secret)).viewer.tokenName).toBe('Short-lived');
    await new Promise((r) => setTimeout(r, soon - Date.now() + 20));
    expect((await s.gql(ViewerDocument, {}, secret)).status).toBe(401);
    // An expiry written straight to the database (no change published) is seen within the cache's 2 s.
    ok(await s.gql(UpdateApiTokenDocument, { input: { id: apiToken.id, expiresAt: new Date(Date.now() + 3600_000).toISOString() } }, w.adminToken));
    expect(ok(await s.gql(ViewerDocument, {}, secret)).viewer.tokenName).toBe('Short-lived');
    await systemEm(s.app.orm).nativeUpdate(ApiToken, { id: uuid(apiToken.id) }, { expiresAt: new Date(Date.now() - 1000) });
    await new Promise((r) => setTimeout(r, 2100));
    expect((await s.gql(ViewerDocument, {}, secret)).status).toBe(401);
    const later = new Date(Date.now() + 7200_000).toISOString();
    expect(ok(await s.gql(UpdateApiTokenDocument, { input: { id: apiToken.id, expiresAt: later } }, w.adminToken)).updateApiToken.apiToken.status).toBe('ACTIVE');
    expect(ok(await s.gql(ViewerDocument, {}, secret)).viewer.tokenName).toBe('Short-lived');

    expect(ok(await s.gql(RevokeApiTokenDocument, { input: { id: apiToken.id } }, w.adminToken)).revokeApiToken.apiToken.status).toBe('REVOKED');
    expect((await s.gql(ViewerDocument, {}, secret)).status).toBe(401);
    const again = await s.gql(UpdateApiTokenDocument, { input: { id: apiToken.id, paused: false } }, w.adminToken);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect((await s.gql(ViewerDocument, {}, secret)).status).toBe(401);
  });

  it('a tenant-scoped token created through the API sees only that tenant', async () => {
    const w = await world();
    const { apiToken, secret } = await create(w.adminToken, { name: 'Client A', permissions: [P.DOMAINS_READ, P.IDENTITIES_READ], tenantId: w.tenantA });
    expect(apiToken.scope).toMatchObject({ kind: 'TENANT', tenantId: w.tenantA, tenant: { id: w.tenantA, name: 'Client A' }, domain: null, senderIdentity: null });
    const v = ok(await s.gql(ViewerDocument, {}, secret)).viewer;
    expect(v.scope).toMatchObject({ allDomains: false, tenants: [{ id: w.tenantA }], domains: [{ id: w.domainA }] });
    expect(ok(await s.gql(ApiTokenScopeNodeDocument, { id: w.domainA }, secret)).node).toMatchObject({ id: w.domainA, __typename: 'Domain' });
    expect(ok(await s.gql(ApiTokenScopeNodeDocument, { id: w.domainB }, secret)).node).toBeNull();
    const ident = await create(w.adminToken, { name: 'Sender', permissions: [P.IDENTITIES_READ], senderIdentityId: w.identityA });
    expect(ident.apiToken.scope).toMatchObject({ kind: 'SENDER_IDENTITY', senderIdentityId: w.identityA, senderIdentity: { id: w.identityA } });
  });

  it('validates input, naming the field', async () => {
    const w = await world();
    const other = await world();
    const cases: [CreateApiTokenInput, string, string][] = [
      [{ name: 'x', permissions: [P.DOMAINS_READ], tenantId: w.tenantA, domainId: w.domainA }, 'BAD_USER_INPUT', 'tenantId'],
      [{ name: 'x', permissions: [] }, 'BAD_USER_INPUT', 'permissions'],
      [{ name: 'x'.repeat(101), permissions: [P.DOMAINS_READ] }, 'BAD_USER_INPUT', 'name'],
      [{ name: ' ', permissions: [P.DOMAINS_READ] }, 'BAD_USER_INPUT', 'name'],
      [{ name: 'x', permissions: [P.DOMAINS_READ], expiresAt: new Date(Date.now() - 60_000).toISOString() }, 'BAD_USER_INPUT', 'expiresAt'],
      [{ name: 'x', permissions: [P.DOMAINS_READ], tenantId: other.tenantA }, 'NOT_FOUND', 'tenantId'],
      [{ name: 'x', permissions: [P.DOMAINS_READ], domainId: other.domainA }, 'NOT_FOUND', 'domainId'],
      [{ name: 'x', permissions: [P.DOMAINS_READ], senderIdentityId: other.identityA }, 'NOT_FOUND', 'senderIdentityId'],
      [{ name: 'x', permissions: [P.DOMAINS_READ], domainId: w.tenantA }, 'BAD_USER_INPUT', 'domainId'],
    ];
    for (const [input, code, field] of cases) {
      const res = await s.gql(CreateApiTokenDocument, { input }, w.adminToken);
      expect(res.errors?.[0].extensions, field).toMatchObject({ code, field });
    }
    expect(ok(await s.gql(ApiTokensDocument, {}, w.adminToken)).apiTokens.totalCount).toBe(1);
  });

  it('refuses privilege escalation: more permissions or a wider scope than the caller has', async () => {
    const w = await world();
    const tenantCaller = (await create(w.adminToken, { name: 'A manager', permissions: [P.TOKENS_MANAGE, P.DOMAINS_READ], tenantId: w.tenantA })).secret;
    const wider = await s.gql(CreateApiTokenDocument, { input: { name: 'x', permissions: [P.DOMAINS_READ, P.EMAIL_SEND], tenantId: w.tenantA } }, tenantCaller);
    expect(wider.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', missingPermissions: ['EMAIL_SEND'] });
    expect(wider.errors?.[0].message).toContain('EMAIL_SEND');
    expect(errorCode(await s.gql(CreateApiTokenDocument, { input: { name: 'x', permissions: [P.DOMAINS_READ] } }, tenantCaller))).toBe('FORBIDDEN');
    expect((await s.gql(CreateApiTokenDocument, { input: { name: 'x', permissions: [P.DOMAINS_READ], tenantId: w.tenantB } }, tenantCaller)).errors?.[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'tenantId',
    });
    const child = await create(tenantCaller, { name: 'A domain', permissions: [P.DOMAINS_READ], domainId: w.domainA });
    expect(child.apiToken.scope.kind).toBe('DOMAIN');
    const raise = await s.gql(UpdateApiTokenDocument, { input: { id: child.apiToken.id, permissions: [P.DOMAINS_READ, P.BILLING_READ] } }, tenantCaller);
    expect(raise.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', missingPermissions: ['BILLING_READ'] });
    const strong = await create(w.adminToken, { name: 'Strong A', permissions: [...ALL_PERMISSIONS], tenantId: w.tenantA });
    expect(errorCode(await s.gql(UpdateApiTokenDocument, { input: { id: strong.apiToken.id, expiresAt: null } }, tenantCaller))).toBe('FORBIDDEN');

    const domainCaller = (await create(w.adminToken, { name: 'Domain A manager', permissions: [P.TOKENS_MANAGE, P.IDENTITIES_READ], domainId: w.domainA })).secret;
    expect(errorCode(await s.gql(CreateApiTokenDocument, { input: { name: 'x', permissions: [P.IDENTITIES_READ], tenantId: w.tenantA } }, domainCaller))).toBe('FORBIDDEN');
    const onIdentity = await create(domainCaller, { name: 'Identity on A', permissions: [P.IDENTITIES_READ], senderIdentityId: w.identityA });
    const seen = ok(await s.gql(ApiTokensDocument, {}, domainCaller)).apiTokens.edges.map((e) => e.node.name);
    expect(seen.sort()).toEqual(['A domain', 'Domain A manager', 'Identity on A']);
    expect(ok(await s.gql(RevokeApiTokenDocument, { input: { id: onIdentity.apiToken.id } }, domainCaller)).revokeApiToken.apiToken.status).toBe('REVOKED');

    const identityCaller = (await create(w.adminToken, { name: 'Identity manager', permissions: [P.TOKENS_MANAGE], senderIdentityId: w.identityA })).secret;
    expect((await s.gql(CreateApiTokenDocument, { input: { name: 'x', permissions: [P.TOKENS_MANAGE], domainId: w.domainA } }, identityCaller)).errors?.[0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'domainId',
    });
    expect(errorCode(await s.gql(ApiTokensDocument, {}, (await create(w.adminToken, { name: 'no manage', permissions: [P.DOMAINS_READ] })).secret))).toBe('FORBIDDEN');
  });

  it('another account sees none of these tokens; a tenant-scoped caller lists only tokens within its tenant', async () => {
    const w = await world();
    const made = {
      account: await create(w.adminToken, { name: 'Account-wide', permissions: [P.DOMAINS_READ] }),
      tenantA: await create(w.adminToken, { name: 'Tenant A', permissions: [P.TOKENS_MANAGE, P.DOMAINS_READ], tenantId: w.tenantA }),
      tenantB: await create(w.adminToken, { name: 'Tenant B', permissions: [P.DOMAINS_READ], tenantId: w.tenantB }),
      domainA: await create(w.adminToken, { name: 'Domain A', permissions: [P.DOMAINS_READ], domainId: w.domainA }),
      domainB: await create(w.adminToken, { name: 'Domain B', permissions: [P.DOMAINS_READ], domainId: w.domainB }),
      identityA: await create(w.adminToken, { name: 'Identity A', permissions: [P.DOMAINS_READ], senderIdentityId: w.identityA }),
    };
    const other = await s.newAccount();
    // The other account sees only its own bootstrap token.
    const seenByOther = ok(await s.gql(ApiTokensDocument, {}, other.adminToken)).apiTokens;
    expect([seenByOther.totalCount, seenByOther.edges.map((e) => e.node.name)]).toEqual([1, ['Admin (bootstrap)']]);
    const forOther = [
      await s.gql(UpdateApiTokenDocument, { input: { id: made.account.apiToken.id, name: 'pwned' } }, other.adminToken),
      await s.gql(RevokeApiTokenDocument, { input: { id: made.tenantA.apiToken.id } }, other.adminToken),
    ];
    expect(forOther.map(errorCode)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(ok(await s.gql(ApiTokenScopeNodeDocument, { id: made.account.apiToken.id }, other.adminToken)).node).toBeNull();
    expect(JSON.stringify(forOther)).not.toContain('Account-wide');
    expect(ok(await s.gql(ApiTokensDocument, { tenantId: w.tenantA }, other.adminToken)).apiTokens.totalCount).toBe(0);

    const names = (r: { apiTokens: { edges: { node: { name: string } }[] } }) => r.apiTokens.edges.map((e) => e.node.name);
    const asTenantA = ok(await s.gql(ApiTokensDocument, {}, made.tenantA.secret));
    expect(names(asTenantA)).toEqual(['Tenant A', 'Domain A', 'Identity A']);
    expect(asTenantA.apiTokens.totalCount).toBe(3);
    expect(errorCode(await s.gql(RevokeApiTokenDocument, { input: { id: made.tenantB.apiToken.id } }, made.tenantA.secret))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(UpdateApiTokenDocument, { input: { id: made.domainB.apiToken.id, paused: true } }, made.tenantA.secret))).toBe('NOT_FOUND');

    expect(names(ok(await s.gql(ApiTokensDocument, { tenantId: w.tenantA }, w.adminToken)))).toEqual(['Tenant A', 'Domain A', 'Identity A']);
    expect(names(ok(await s.gql(ApiTokensDocument, { domainId: w.domainA }, w.adminToken)))).toEqual(['Domain A', 'Identity A']);
    expect(ok(await s.gql(ApiTokensDocument, {}, w.adminToken)).apiTokens.totalCount).toBe(7);
    expect(ok(await s.gql(ViewerDocument, {}, made.tenantB.secret)).viewer.tokenName).toBe('Tenant B');
  });
});
