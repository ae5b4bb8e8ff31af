import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import { childrenLoader } from '../../graphql/loaders';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { SenderIdentity } from './sender-identity.entity';

/** Adds `Tenant.senderIdentities`. */
@Resolver(() => Tenant)
export class TenantSenderIdentitiesResolver {
  @Authorized(Permission.IDENTITIES_READ)
  @FieldResolver(() => [SenderIdentity], { description: "The tenant's sender identities in your scope. Needs IDENTITIES_READ." })
  senderIdentities(@Root() tenant: Tenant, @Ctx() ctx: Context): Promise<SenderIdentity[]> {
    return childrenLoader(ctx, SenderIdentity, 'tenant').load(tenant.id);
  }
}

/** Adds `Domain.senderIdentities`. */
@Resolver(() => Domain)
export class DomainSenderIdentitiesResolver {
  @Authorized(Permission.IDENTITIES_READ)
  @FieldResolver(() => [SenderIdentity], { description: 'The sender identities in your scope that send through this domain. Needs IDENTITIES_READ.' })
  senderIdentities(@Root() domain: Domain, @Ctx() ctx: Context): Promise<SenderIdentity[]> {
    return childrenLoader(ctx, SenderIdentity, 'domain').load(domain.id);
  }
}
