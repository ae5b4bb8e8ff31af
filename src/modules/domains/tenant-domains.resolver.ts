import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import type { Row } from '../../db/read-rows';
import { ReadsColumns, selectedColumns } from '../../graphql/row-columns';
import { Tenant } from '../tenants/tenant.entity';
import { Domain } from './domain.entity';
import { tenantDomains } from './domain.service';

/** Adds `Tenant.domains`; lives with the domains module so imports point one way. */
@Resolver(() => Tenant)
export class TenantDomainsResolver {
  @Authorized(Permission.DOMAINS_READ)
  @FieldResolver(() => [Domain], { description: 'The client’s sending domains in your scope. Needs DOMAINS_READ.' })
  @ReadsColumns('id')
  domains(@Root() tenant: Row<Tenant>, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Row<Domain>[]> {
    return tenantDomains(ctx, tenant, selectedColumns(info));
  }
}
