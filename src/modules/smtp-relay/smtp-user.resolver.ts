import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { toGlobalId } from '../../graphql/global-id';
import type { Page } from '../../graphql/pagination';
import { SmtpUser } from './smtp-user.entity';
import { CreateSmtpUserInput, DeleteSmtpUserInput, SmtpUsersArgs, UpdateSmtpUserInput } from './smtp-user.inputs';
import { createSmtpUser, deleteSmtpUser, listSmtpUsers, updateSmtpUser } from './smtp-user.service';
import { CreateSmtpUserPayload, DeleteSmtpUserPayload, SmtpUserConnection, UpdateSmtpUserPayload } from './smtp-user.types';

/** Queries, mutations and computed fields of SMTP users (credentials of the submission server). */
@Resolver(() => SmtpUser)
export class SmtpUserResolver {
  @Query(() => SmtpUserConnection, { description: 'SMTP users in your scope, oldest first. Needs TOKENS_MANAGE.' })
  smtpUsers(@Args(() => SmtpUsersArgs) args: SmtpUsersArgs, @Ctx() ctx: Context): Promise<Page<SmtpUser>> {
    return listSmtpUsers(ctx, args);
  }

  @Mutation(() => CreateSmtpUserPayload, {
    description: 'Creates an SMTP credential for a domain or a sender identity in your scope; the password is in the payload only. Needs TOKENS_MANAGE and EMAIL_SEND.',
  })
  createSmtpUser(@Arg('input', () => CreateSmtpUserInput, { description: 'The SMTP user.' }) input: CreateSmtpUserInput, @Ctx() ctx: Context): Promise<CreateSmtpUserPayload> {
    return createSmtpUser(ctx, input);
  }

  @Mutation(() => UpdateSmtpUserPayload, { description: 'Renames, enables or disables an SMTP user. Needs TOKENS_MANAGE.' })
  async updateSmtpUser(@Arg('input', () => UpdateSmtpUserInput, { description: 'The changes.' }) input: UpdateSmtpUserInput, @Ctx() ctx: Context): Promise<UpdateSmtpUserPayload> {
    return { smtpUser: await updateSmtpUser(ctx, input) };
  }

  @Mutation(() => DeleteSmtpUserPayload, { description: 'Deletes an SMTP user for good. Needs TOKENS_MANAGE.' })
  async deleteSmtpUser(@Arg('input', () => DeleteSmtpUserInput, { description: 'Which SMTP user.' }) input: DeleteSmtpUserInput, @Ctx() ctx: Context): Promise<DeleteSmtpUserPayload> {
    return { deletedSmtpUserId: await deleteSmtpUser(ctx, input) };
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Global id of the domain the credential sends as (domain credentials).' })
  domainId(@Root() user: SmtpUser): string | null {
    return user.domain ? toGlobalId('Domain', user.domain.id) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Global id of the sender identity the credential sends as (sender identity credentials).' })
  senderIdentityId(@Root() user: SmtpUser): string | null {
    return user.senderIdentity ? toGlobalId('SenderIdentity', user.senderIdentity.id) : null;
  }
}
