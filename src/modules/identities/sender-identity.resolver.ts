import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import { scopeAllows } from '../../auth/scope';
import { type Context, requireScope } from '../../context';
import { byIdLoader } from '../../graphql/loaders';
import type { Row } from '../../db/read-rows';
import { ReadsColumns } from '../../graphql/row-columns';
import type { Page } from '../../graphql/pagination';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { confirmSenderIdentity, resendConfirmation } from './confirmation.service';
import { dmarcWarnings } from './dmarc';
import { SenderIdentity } from './sender-identity.entity';
import { ConfirmSenderIdentityInput, CreateSenderIdentityInput, DeleteSenderIdentityInput, ResendSenderIdentityConfirmationInput, SenderIdentitiesArgs } from './sender-identity.inputs';
import { createSenderIdentity, deleteSenderIdentity, getSenderIdentity, listSenderIdentities } from './sender-identity.service';
import { DeleteSenderIdentityPayload, IdentityWarning, SenderIdentityConnection, SenderIdentityPayload } from './sender-identity.types';

@Resolver(() => SenderIdentity)
export class SenderIdentityResolver {
  @Authorized(Permission.IDENTITIES_READ)
  @Query(() => SenderIdentityConnection, { description: 'Sender identities in your scope. Needs IDENTITIES_READ.' })
  senderIdentities(@Args(() => SenderIdentitiesArgs) args: SenderIdentitiesArgs, @Ctx() ctx: Context): Promise<Page<Row<SenderIdentity>>> {
    return listSenderIdentities(ctx, args);
  }

  @Authorized(Permission.IDENTITIES_READ)
  @Query(() => SenderIdentity, { description: 'One sender identity by id. Needs IDENTITIES_READ.' })
  senderIdentity(@Arg('id', () => ID, { description: 'Global id.' }) id: string, @Ctx() ctx: Context): Promise<SenderIdentity> {
    return getSenderIdentity(ctx, id);
  }

  @Authorized(Permission.IDENTITIES_MANAGE)
  @Mutation(() => SenderIdentityPayload, { description: "Adds a client's address that sends through a verified domain, and e-mails the address a confirmation link. Needs IDENTITIES_MANAGE." })
  async createSenderIdentity(
    @Arg('input', () => CreateSenderIdentityInput, { description: 'The new identity.' }) input: CreateSenderIdentityInput,
    @Ctx() ctx: Context,
  ): Promise<SenderIdentityPayload> {
    return { senderIdentity: await createSenderIdentity(ctx, input) };
  }

  @Mutation(() => SenderIdentityPayload, { description: 'Confirms a sender identity with the token from its confirmation link. Public: needs no authentication.' })
  async confirmSenderIdentity(@Arg('input', () => ConfirmSenderIdentityInput, { description: 'The token.' }) input: ConfirmSenderIdentityInput, @Ctx() ctx: Context): Promise<SenderIdentityPayload> {
    return { senderIdentity: await confirmSenderIdentity(ctx, input.token) };
  }

  @Authorized(Permission.IDENTITIES_MANAGE)
  @Mutation(() => SenderIdentityPayload, { description: 'E-mails a pending identity a new confirmation link; the previous link stops working. At most one resend a minute. Needs IDENTITIES_MANAGE.' })
  async resendSenderIdentityConfirmation(
    @Arg('input', () => ResendSenderIdentityConfirmationInput, { description: 'The identity.' }) input: ResendSenderIdentityConfirmationInput,
    @Ctx() ctx: Context,
  ): Promise<SenderIdentityPayload> {
    return { senderIdentity: await resendConfirmation(ctx, input.id) };
  }

  @Authorized(Permission.IDENTITIES_MANAGE)
  @Mutation(() => DeleteSenderIdentityPayload, { description: 'Deletes a sender identity and the API tokens scoped to it. Needs IDENTITIES_MANAGE.' })
  async deleteSenderIdentity(
    @Arg('input', () => DeleteSenderIdentityInput, { description: 'The identity.' }) input: DeleteSenderIdentityInput,
    @Ctx() ctx: Context,
  ): Promise<DeleteSenderIdentityPayload> {
    return { deletedSenderIdentityId: await deleteSenderIdentity(ctx, input.id) };
  }

  @FieldResolver(() => Tenant, { nullable: true, description: 'The client the address belongs to; null when that tenant is outside your scope (a principal limited to an agency domain).' })
  async tenant(@Root() identity: SenderIdentity, @Ctx() ctx: Context): Promise<Tenant | null> {
    requireScope(ctx);
    return byIdLoader(ctx, Tenant).load(identity.tenant.id);
  }

  @FieldResolver(() => Domain, { nullable: true, description: 'The domain mail is sent through; null when it is outside your scope (an agency domain seen by a client) or you lack DOMAINS_READ.' })
  async domain(@Root() identity: SenderIdentity, @Ctx() ctx: Context): Promise<Domain | null> {
    if (ctx.principal.kind === 'PUBLIC' || !scopeAllows(ctx.principal.scope, Permission.DOMAINS_READ)) return null;
    return byIdLoader(ctx, Domain).load(identity.domain.id);
  }

  @FieldResolver(() => [IdentityWarning], { description: 'Problems the client should fix, such as a DMARC p=reject policy on the address’s own domain.' })
  @ReadsColumns('email', 'dmarcPolicy')
  warnings(@Root() identity: Row<SenderIdentity>): IdentityWarning[] {
    return dmarcWarnings(identity.email, identity.dmarcPolicy);
  }
}
