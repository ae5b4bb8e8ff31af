import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/pagination';

/** Input of createSmtpUser. */
@InputType({ description: 'A new SMTP credential: give exactly one of domainId and senderIdentityId.' })
export class CreateSmtpUserInput {
  @Field(() => String, { description: 'Name to recognise the credential by (1–100 characters).' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'Send as any address on this verified domain.' })
  domainId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Send only as this confirmed sender identity.' })
  senderIdentityId?: string | null;
}

/** Input of updateSmtpUser: omitted fields stay as they are. */
@InputType({ description: 'Changes to an SMTP credential. Omitted fields stay as they are.' })
export class UpdateSmtpUserInput {
  @Field(() => ID, { description: 'The SMTP user.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name (1–100 characters).' })
  name?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'False disables the credential (AUTH is refused with 535), true enables it again.' })
  enabled?: boolean | null;
}

/** Input of deleteSmtpUser. */
@InputType({ description: 'Which SMTP credential to delete, for good.' })
export class DeleteSmtpUserInput {
  @Field(() => ID, { description: 'The SMTP user.' })
  id!: string;
}

/** Arguments of the smtpUsers query. */
@ArgsType()
export class SmtpUsersArgs extends PageArgs {}
