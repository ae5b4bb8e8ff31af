import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { SmtpUser } from './smtp-user.entity';

/** A page of SMTP users. */
export const SmtpUserConnection = Connection(SmtpUser, 'SmtpUser');

/** Payload of createSmtpUser. */
@ObjectType({ description: 'Result of createSmtpUser: the credential, its user name and its password, shown only this once.' })
export class CreateSmtpUserPayload {
  @Field(() => SmtpUser, { description: 'The new SMTP user.' })
  smtpUser!: SmtpUser;

  @Field(() => String, { description: 'The SMTP AUTH user name.' })
  username!: string;

  @Field(() => String, { description: 'The SMTP AUTH password. It is shown only here; only its SHA-256 hash is stored.' })
  password!: string;
}

/** Payload of updateSmtpUser. */
@ObjectType({ description: 'Result of updateSmtpUser.' })
export class UpdateSmtpUserPayload {
  @Field(() => SmtpUser, { description: 'The SMTP user after the change.' })
  smtpUser!: SmtpUser;
}

/** Payload of deleteSmtpUser. */
@ObjectType({ description: 'Result of deleteSmtpUser.' })
export class DeleteSmtpUserPayload {
  @Field(() => ID, { description: 'Global id of the deleted SMTP user.' })
  deletedSmtpUserId!: string;
}
