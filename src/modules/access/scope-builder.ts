import type { EntityManager } from '@mikro-orm/postgresql';
import { rolePermissionsFor } from '../../auth/permissions';
import type { Principal } from '../../auth/principal';
import type { Scope } from '../../auth/scope';
import type { ApiToken } from '../api-tokens/api-token.entity';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import type { Membership } from '../members/membership.entity';

async function ids(em: EntityManager, entity: typeof Domain | typeof SenderIdentity, where: object): Promise<string[]> {
  const rows = await em.find(entity as typeof Domain, where, { fields: ['id'] });
  return rows.map((r) => r.id);
}

/** Resolves an API token's scope to plain ids. `em` must be a system entity manager. */
export async function scopeForToken(em: EntityManager, token: ApiToken): Promise<Scope> {
  const accountId = token.account.id;
  const base = { accountId, permissions: [...token.permissions], templateIds: null, membershipId: null, principalKey: `token:${token.id}` };
  if (token.tenant) {
    const t = token.tenant.id;
    const [domainIds, identityIds] = await Promise.all([ids(em, Domain, { account: accountId, tenant: t }), ids(em, SenderIdentity, { account: accountId, tenant: t })]);
    return { ...base, allDomains: false, tenantIds: [t], domainIds, identityIds, readableTenantIds: [t] };
  }
  if (token.domain) {
    const d = await em.findOneOrFail(Domain, { id: token.domain.id, account: accountId });
    return { ...base, allDomains: false, tenantIds: [], domainIds: [d.id], identityIds: [], readableTenantIds: d.tenant ? [d.tenant.id] : [] };
  }
  if (token.senderIdentity) {
    const i = await em.findOneOrFail(SenderIdentity, { id: token.senderIdentity.id, account: accountId });
    return { ...base, allDomains: false, tenantIds: [], domainIds: [], identityIds: [i.id], readableTenantIds: [i.tenant.id] };
  }
  return { ...base, allDomains: true, tenantIds: [], domainIds: [], identityIds: [], readableTenantIds: [] };
}

/** Resolves a membership's scope to plain ids. `em` must be a system entity manager. */
export async function scopeForMembership(em: EntityManager, m: Membership): Promise<Scope> {
  const accountId = m.account.id;
  const permissions = rolePermissionsFor(m.role, m.customPermissions);
  const templateIds = m.templateIds ? [...m.templateIds] : null;
  if (m.allDomains) {
    return { accountId, allDomains: true, tenantIds: [], domainIds: [], identityIds: [], readableTenantIds: [], permissions, templateIds, membershipId: m.id, principalKey: `member:${m.id}` };
  }
  const domains = await em.find(Domain, { account: accountId, id: { $in: m.domainIds } });
  const readableTenantIds = [...new Set(domains.flatMap((d) => (d.tenant ? [d.tenant.id] : [])))];
  return {
    accountId,
    allDomains: false,
    tenantIds: [],
    domainIds: domains.map((d) => d.id),
    identityIds: [],
    readableTenantIds,
    permissions,
    templateIds,
    membershipId: m.id,
    principalKey: `member:${m.id}`,
  };
}

/** The principal of an (active) API token, with its scope resolved now. `em` must be a system entity manager. */
export async function tokenPrincipal(em: EntityManager, token: ApiToken): Promise<Principal> {
  return { kind: 'API_TOKEN', tokenId: token.id, label: token.name, scope: await scopeForToken(em, token), expiresAt: token.expiresAt };
}

/** The principal of an (active) membership acting through a session, with its scope resolved now. */
export async function memberPrincipal(em: EntityManager, m: Membership, userId: string, sessionId: string, label: string, expiresAt: Date | null = null): Promise<Principal> {
  return { kind: 'MEMBER', membershipId: m.id, userId, sessionId, role: m.role, label, scope: await scopeForMembership(em, m), expiresAt };
}
