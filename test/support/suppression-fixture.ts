import { ALL_PERMISSIONS, Permission } from '../../src/auth/permissions';
import { systemEm } from '../../src/context';
import { toGlobalId } from '../../src/graphql/global-id';
import { SenderIdentity, SenderIdentityStatus } from '../../src/modules/identities/sender-identity.entity';
import { Tenant } from '../../src/modules/tenants/tenant.entity';
import { insertMessage } from './activity-fixture';
import { insertApiToken, insertDomain, unique } from './factories';
import type { TestServer } from './harness';

/** Account A: tenant 1 (domain D1, identity I1 on the agency domain DA), tenant 2 (domain D2); tokens of each kind. */
export async function suppressionWorld(s: TestServer) {
  const { accountId, adminToken } = await s.newAccount();
  const em = systemEm(s.app.orm);
  const t1 = em.create(Tenant, { account: accountId, name: 'One', tag: unique('one') });
  const t2 = em.create(Tenant, { account: accountId, name: 'Two', tag: unique('two') });
  await em.flush();
  const d1 = await insertDomain(s, { accountId, tenantUuid: t1.id });
  const d2 = await insertDomain(s, { accountId, tenantUuid: t2.id });
  const da = await insertDomain(s, { accountId, tenantUuid: null });
  const i1 = em.create(SenderIdentity, {
    account: accountId,
    tenant: t1.id,
    domain: da.id,
    email: `${unique('i')}@agency.example.com`,
    name: 'I1',
    status: SenderIdentityStatus.CONFIRMED,
    confirmedAt: new Date(),
  });
  await em.flush();
  const all = [...ALL_PERMISSIONS];
  const token = (o: { tenantUuid?: string; identityUuid?: string; domainUuid?: string; permissions?: Permission[] }) =>
    insertApiToken(s, { accountId, permissions: o.permissions ?? all, ...o }).then((t) => t.secret);
  return {
    accountId,
    adminToken,
    t1,
    t2,
    d1,
    d2,
    da,
    i1,
    gid: { d1: toGlobalId('Domain', d1.id), d2: toGlobalId('Domain', d2.id), da: toGlobalId('Domain', da.id), t1: toGlobalId('Tenant', t1.id), t2: toGlobalId('Tenant', t2.id) },
    tenant1: await token({ tenantUuid: t1.id }),
    tenant2: await token({ tenantUuid: t2.id }),
    identity1: await token({ identityUuid: i1.id }),
    readOnly1: await token({ tenantUuid: t1.id, permissions: ALL_PERMISSIONS.filter((p) => p.endsWith('_READ')) }),
    noSuppressions1: await token({ tenantUuid: t1.id, permissions: [Permission.DOMAINS_READ, Permission.ACTIVITY_READ] }),
    /** A message of tenant 1 on D1 (or, with `identity`, of I1 on DA), to attach events to. */
    message: (recipient: string, on: 'd1' | 'd2' | 'identity' = 'd1') =>
      insertMessage(s, {
        accountId,
        domainUuid: on === 'd1' ? d1.id : on === 'd2' ? d2.id : da.id,
        tenantUuid: on === 'd2' ? t2.id : t1.id,
        identityUuid: on === 'identity' ? i1.id : null,
        recipient,
      }),
  };
}

/** Fields of a Suppression for queries. */
export const SUPPRESSION_FIELDS = 'id list recipient pattern reason source createdAt expiresAt domain { id name } origin { eventId messageId diagnostic }';
