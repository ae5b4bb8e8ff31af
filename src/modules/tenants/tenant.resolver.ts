import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import type { Row } from '../../db/read-rows';
import { PageArgs, type Page } from '../../graphql/pagination';
import { Tenant } from './tenant.entity';
import { CreateTenantInput, DeleteTenantInput, UpdateTenantInput } from './tenant.inputs';
import { createTenant, deleteTenant, getTenant, listTenants, updateTenant } from './tenant.service';
import { DeleteTenantPayload, TenantConnection, TenantPayload } from './tenant.types';

@Resolver(() => Tenant)
export class TenantResolver {
  @Authorized()
  @Query(() => TenantConnection, { description: 'Clients in your scope.' })
  tenants(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<Row<Tenant>>> {
    return listTenants(ctx, args);
  }

  @Authorized()
  @Query(() => Tenant, { description: 'One client by id.' })
  tenant(@Arg('id', () => ID, { description: 'Global id.' }) id: string, @Ctx() ctx: Context): Promise<Tenant> {
    return getTenant(ctx, id);
  }

  @Mutation(() => TenantPayload, { description: 'Adds a client. Needs DOMAINS_MANAGE and an account-wide principal.' })
  async createTenant(@Arg('input', () => CreateTenantInput) input: CreateTenantInput, @Ctx() ctx: Context): Promise<TenantPayload> {
    return { tenant: await createTenant(ctx, input) };
  }

  @Mutation(() => TenantPayload, { description: 'Renames or re-tags a client, sets its ON_HOLD rule (SUPPRESSIONS_MANAGE) or its data retention. Needs DOMAINS_MANAGE and an account-wide principal.' })
  async updateTenant(@Arg('input', () => UpdateTenantInput) input: UpdateTenantInput, @Ctx() ctx: Context): Promise<TenantPayload> {
    return { tenant: await updateTenant(ctx, input) };
  }

  @Mutation(() => DeleteTenantPayload, { description: 'Deletes a client; refused while it has domains or identities unless force is true.' })
  async deleteTenant(@Arg('input', () => DeleteTenantInput) input: DeleteTenantInput, @Ctx() ctx: Context): Promise<DeleteTenantPayload> {
    return { deletedTenantId: await deleteTenant(ctx, input) };
  }
}
