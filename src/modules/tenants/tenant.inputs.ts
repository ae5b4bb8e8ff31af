import { IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { OnHoldPolicyInput } from './on-hold-policy';

const TAG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Input of createTenant. */
@InputType({ description: 'A new client.' })
export class CreateTenantInput {
  @Field(() => String, { description: 'Display name (1–200 characters).' })
  @Length(1, 200)
  name!: string;

  @Field(() => String, { description: 'Unique short tag: lower-case letters, digits, `-` and `_`, up to 63 characters.' })
  @Matches(TAG, { message: 'tag must be 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit' })
  tag!: string;
}

/** Input of updateTenant. */
@InputType({ description: 'Changes to a client.' })
export class UpdateTenantInput {
  @Field(() => ID, { description: 'The tenant.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New display name.' })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New tag.' })
  @IsOptional()
  @Matches(TAG, { message: 'tag must be 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit' })
  tag?: string | null;

  @Field(() => OnHoldPolicyInput, { nullable: true, description: 'New ON_HOLD rule (needs SUPPRESSIONS_MANAGE too).' })
  onHoldPolicy?: OnHoldPolicyInput | null;

  @Field(() => Int, { nullable: true, description: 'Days messages and events are kept (1–3650; default 180).' })
  retentionDays?: number | null;

  @Field(() => Int, { nullable: true, description: 'Days message content is kept (1–3650, at most retentionDays); null clears it (content kept as long as the message).' })
  contentRetentionDays?: number | null;
}

/** Input of deleteTenant. */
@InputType({ description: 'Which client to delete.' })
export class DeleteTenantInput {
  @Field(() => ID, { description: 'The tenant.' })
  id!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Also delete its domains, sender identities, templates and tokens. Without it, a tenant that has any is refused.' })
  force?: boolean;
}
