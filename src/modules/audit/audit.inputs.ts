import { Field, ID, InputType } from 'type-graphql';

/** Which audit entries. */
@InputType({ description: 'Which audit entries (all given conditions must hold; lists match any of their items).' })
export class AuditLogFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Changes made by these actors (global ids of API tokens or members).' })
  actorIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Changes with these actions (TENANT_CREATED, API_TOKEN_REVOKED…).' })
  actions?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Changes to these objects (global ids).' })
  targetIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Changes to objects of this tenant (the tenant itself included).' })
  tenantId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Changes at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Changes before this time.' })
  to?: Date | null;
}
