import type { Context } from '../../context';
import { toGlobalId } from '../../graphql/global-id';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { Tenant } from '../tenants/tenant.entity';
import { PrincipalKind, type Viewer } from './viewer.types';

/** Describes the caller from its principal, loading scope objects through the scoped entity manager. */
export async function describeViewer(ctx: Context): Promise<Viewer> {
  const p = ctx.principal;
  if (p.kind === 'PUBLIC') {
    return { kind: PrincipalKind.PUBLIC, account: null, role: null, tokenName: null, email: null, permissions: [], scope: null };
  }
  const s = p.scope;
  const [account, tenants, domains, senderIdentities] = await Promise.all([
    ctx.em.findOneOrFail(Account, { id: s.accountId }),
    s.tenantIds.length ? ctx.em.find(Tenant, { id: { $in: [...s.tenantIds] } }, { orderBy: { id: 'asc' } }) : [],
    s.allDomains ? [] : ctx.em.find(Domain, { id: { $in: [...s.domainIds] } }, { orderBy: { id: 'asc' } }),
    s.identityIds.length && !s.tenantIds.length ? ctx.em.find(SenderIdentity, { id: { $in: [...s.identityIds] } }, { orderBy: { id: 'asc' } }) : [],
  ]);
  return {
    kind: p.kind === 'MEMBER' ? PrincipalKind.MEMBER : PrincipalKind.API_TOKEN,
    account,
    role: p.kind === 'MEMBER' ? p.role : null,
    tokenName: p.kind === 'API_TOKEN' ? p.label : null,
    email: p.kind === 'MEMBER' ? p.label : null,
    permissions: [...s.permissions],
    scope: {
      allDomains: s.allDomains,
      tenants,
      domains,
      senderIdentities,
      templateIds: s.templateIds ? s.templateIds.map((id) => toGlobalId('Template', id)) : null,
    },
  };
}
