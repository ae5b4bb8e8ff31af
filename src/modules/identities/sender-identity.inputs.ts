import { IsOptional, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/pagination';

/** Length limits of identity inputs. */
export const LIMITS = { name: 100, replyToName: 100, personalNote: 1000 } as const;

/** Input of createSenderIdentity. */
@InputType({ description: "A client's address to send through one of the agency's verified domains." })
export class CreateSenderIdentityInput {
  @Field(() => ID, { description: "A VERIFIED domain in your scope: one of the agency's (no tenant) or the tenant's own." })
  domainId!: string;

  @Field(() => ID, { description: 'The tenant (client) the address belongs to.' })
  tenantId!: string;

  @Field(() => String, { description: 'The address to send from; it receives the confirmation e-mail. Stored lower case, IDN domains in punycode.' })
  email!: string;

  @Field(() => String, { nullable: true, description: `Display name (up to ${LIMITS.name} characters).` })
  @IsOptional()
  @MaxLength(LIMITS.name)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Reply-To address; null means replies go to `email`.' })
  @IsOptional()
  replyToEmail?: string | null;

  @Field(() => String, { nullable: true, description: `Reply-To display name (up to ${LIMITS.replyToName} characters).` })
  @IsOptional()
  @MaxLength(LIMITS.replyToName)
  replyToName?: string | null;

  @Field(() => String, { nullable: true, description: `A note for the address owner, included in the confirmation e-mail (up to ${LIMITS.personalNote} characters).` })
  @IsOptional()
  @MaxLength(LIMITS.personalNote)
  personalNote?: string | null;
}

/** Input of confirmSenderIdentity. */
@InputType({ description: 'The token from a confirmation link.' })
export class ConfirmSenderIdentityInput {
  @Field(() => String, { description: 'The `token` parameter of the link in the confirmation e-mail.' })
  token!: string;
}

/** Input of resendSenderIdentityConfirmation. */
@InputType({ description: 'Which pending identity gets a new confirmation e-mail.' })
export class ResendSenderIdentityConfirmationInput {
  @Field(() => ID, { description: 'The sender identity.' })
  id!: string;
}

/** Input of deleteSenderIdentity. */
@InputType({ description: 'Which sender identity to delete.' })
export class DeleteSenderIdentityInput {
  @Field(() => ID, { description: 'The sender identity.' })
  id!: string;
}

/** Arguments of the senderIdentities query. */
@ArgsType()
export class SenderIdentitiesArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only identities of this tenant.' })
  tenantId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only identities that send through this domain.' })
  domainId?: string | null;
}
