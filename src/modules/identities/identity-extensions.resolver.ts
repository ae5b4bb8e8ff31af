import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import type { Row } from '../../db/read-rows';
import { ReadsColumns, selectedColumns } from '../../graphql/row-columns';
import { childrenLoader } from '../../graphql/loaders';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { SenderIdentity } from './sender-identity.entity';

/** Adds `Tenant.senderIdentities`. */
@Resolver(() => Tenant)
export class TenantSenderIdentitiesResolver {
  @Authorized(Permission.IDENTITIES_READ)
  @FieldResolver(() => [SenderIdentity], { description: "The tenant's sender identities in your scope. Needs IDENTITIES_READ." })
  @ReadsColumns('id')
  senderIdentities(@Root() tenant: Row<Tenant>, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Row<SenderIdentity>[]> {
    return childrenLoader(ctx, SenderIdentity, 'tenant', selectedColumns(info)).load(tenant.id);
  }
}

/** Adds `Domain.senderIdentities`. */
@Resolver(() => Domain)
export class DomainSenderIdentitiesResolver {
  @Authorized(Permission.IDENTITIES_READ)
  @FieldResolver(() => [SenderIdentity], { description: 'The sender identities in your scope that send through this domain. Needs IDENTITIES_READ.' })
  @ReadsColumns('id')
  senderIdentities(@Root() domain: Row<Domain>, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Row<SenderIdentity>[]> {
    return childrenLoader(ctx, SenderIdentity, 'domain', selectedColumns(info)).load(domain.id);
  }
}
