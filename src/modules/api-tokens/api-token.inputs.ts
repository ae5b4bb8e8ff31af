import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import { PageArgs } from '../../graphql/pagination';

/** Input of createApiToken. */
@InputType({ description: 'A new API token. Give at most one of tenantId, domainId and senderIdentityId; none makes an account-wide token.' })
export class CreateApiTokenInput {
  @Field(() => String, { description: 'Name to recognise the token by (1–100 characters).' })
  name!: string;

  @Field(() => [Permission], { description: 'What the token may do: at least one, and only permissions you hold yourself.' })
  permissions!: Permission[];

  @Field(() => ID, { nullable: true, description: 'Limit the token to this tenant: all its domains and sender identities, now and later.' })
  tenantId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Limit the token to this domain.' })
  domainId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Limit the token to this sender identity.' })
  senderIdentityId?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the token stops working (must be in the future); null: never.' })
  expiresAt?: Date | null;
}

/** Input of updateApiToken: omitted fields stay as they are. */
@InputType({ description: 'Changes to an API token. Omitted fields stay as they are. A revoked token cannot be changed.' })
export class UpdateApiTokenInput {
  @Field(() => ID, { description: 'The token.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name (1–100 characters).' })
  name?: string | null;

  @Field(() => [Permission], { nullable: true, description: 'New permission list (replaces the old one; only permissions you hold yourself).' })
  permissions?: Permission[] | null;

  @Field(() => Date, { nullable: true, description: 'New expiry (must be in the future); an explicit null removes the expiry.' })
  expiresAt?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'True pauses the token (requests with it are rejected), false resumes it.' })
  paused?: boolean | null;
}

/** Input of revokeApiToken. */
@InputType({ description: 'Which API token to revoke. Revocation is final and takes effect at once.' })
export class RevokeApiTokenInput {
  @Field(() => ID, { description: 'The token.' })
  id!: string;
}

/** Arguments of the apiTokens query. */
@ArgsType()
export class ApiTokensArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only tokens limited to this tenant or to one of its domains or sender identities.' })
  tenantId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only tokens limited to this domain or to one of its sender identities.' })
  domainId?: string | null;
}
