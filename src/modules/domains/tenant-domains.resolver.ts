import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import { Tenant } from '../tenants/tenant.entity';
import { Domain } from './domain.entity';
import { tenantDomains } from './domain.service';

/** Adds `Tenant.domains`; lives with the domains module so imports point one way. */
@Resolver(() => Tenant)
export class TenantDomainsResolver {
  @Authorized(Permission.DOMAINS_READ)
  @FieldResolver(() => [Domain], { description: 'The client’s sending domains in your scope. Needs DOMAINS_READ.' })
  domains(@Root() tenant: Tenant, @Ctx() ctx: Context): Promise<Domain[]> {
    return tenantDomains(ctx, tenant);
  }
}
