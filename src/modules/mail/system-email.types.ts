import { ArgsType, Field } from 'type-graphql';
import { Connection, PageArgs } from '../../graphql/pagination';
import { SystemEmail, SystemEmailKind } from './system-email.entity';

/** A page of system e-mails. */
export const SystemEmailConnection = Connection(SystemEmail, 'SystemEmail');

/** Arguments of the systemEmails query. */
@ArgsType()
export class SystemEmailsArgs extends PageArgs {
  @Field(() => SystemEmailKind, { nullable: true, description: 'Only e-mails of this kind.' })
  kind?: SystemEmailKind | null;
}
