import { Field, ID, InputType } from 'type-graphql';

/** Which request logs. */
@InputType({ description: 'Which request logs (all given conditions must hold; lists match any of their items).' })
export class RequestLogFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Calls made by these API tokens (global ids).' })
  tokenIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Calls made by these members (global ids). With tokenIds: calls of either.' })
  memberIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Messages submitted over SMTP by these SMTP users (global ids of SmtpUser). With tokenIds or memberIds: calls of any of them.' })
  smtpUserIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Operations of these names.' })
  operationNames?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Calls that answered with any of these error codes; `OK` matches calls without errors.' })
  codes?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Calls at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Calls before this time.' })
  to?: Date | null;

  @Field(() => ID, { nullable: true, description: 'Calls that acted in this tenant (a tenant-scoped caller, or naming the tenant).' })
  tenantId?: string | null;
}
