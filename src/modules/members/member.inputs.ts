import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Permission, Role } from '../../auth/permissions';
import { MAX_ACCESS_IDS } from './member-access';

/** Input of inviteMember. */
@InputType({ description: 'Who to invite, with which role and access.' })
export class InviteMemberInput {
  @Field(() => String, { description: 'E-mail address the invitation is sent to (at most 254 characters).' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Display name, used when the address has no user yet (at most 200 characters).' })
  name?: string | null;

  @Field(() => Role, { description: 'The role. A member limited to domains or templates cannot be ADMIN or ACCOUNTANT.' })
  role!: Role;

  @Field(() => Boolean, { defaultValue: true, description: 'Access to every domain (default). False limits the member to domainIds.' })
  allDomains!: boolean;

  @Field(() => [ID], { nullable: true, description: 'Domains the member may access when allDomains is false.' })
  @IsOptional()
  @ArrayMaxSize(MAX_ACCESS_IDS)
  domainIds?: string[] | null;

  @Field(() => [Permission], { nullable: true, description: 'CUSTOM only: the permissions granted.' })
  @IsOptional()
  permissions?: Permission[] | null;

  @Field(() => [ID], { nullable: true, description: 'CUSTOM only: the only templates the member may see (omit for no limit).' })
  @IsOptional()
  @ArrayMaxSize(MAX_ACCESS_IDS)
  templateIds?: string[] | null;
}

/** Input of updateMember. */
@InputType({ description: 'Changes to a member’s role or access; omitted fields keep their value.' })
export class UpdateMemberInput {
  @Field(() => ID, { description: 'The member.' })
  id!: string;

  @Field(() => Role, { nullable: true, description: 'New role. Leaving CUSTOM clears permissions and templateIds.' })
  @IsOptional()
  role?: Role | null;

  @Field(() => Boolean, { nullable: true, description: 'Access to every domain; true clears domainIds.' })
  @IsOptional()
  allDomains?: boolean | null;

  @Field(() => [ID], { nullable: true, description: 'New domain list (with allDomains false).' })
  @IsOptional()
  @ArrayMaxSize(MAX_ACCESS_IDS)
  domainIds?: string[] | null;

  @Field(() => [Permission], { nullable: true, description: 'CUSTOM only: the new permission list.' })
  @IsOptional()
  permissions?: Permission[] | null;

  @Field(() => [ID], { nullable: true, description: 'CUSTOM only: the new template allow-list; an explicit null removes the limit.' })
  @IsOptional()
  @ArrayMaxSize(MAX_ACCESS_IDS)
  templateIds?: string[] | null;
}

/** Input of removeMember. */
@InputType({ description: 'Which member to remove.' })
export class RemoveMemberInput {
  @Field(() => ID, { description: 'The member.' })
  id!: string;
}

/** Input of acceptInvitation. */
@InputType({ description: 'An invitation token and the password to log in with.' })
export class AcceptInvitationInput {
  @Field(() => String, { description: 'The token from the invitation link.' })
  token!: string;

  @Field(() => String, { description: 'A new password (10–200 characters), or the existing one when the address already has an account elsewhere.' })
  password!: string;

  @Field(() => String, { nullable: true, description: 'Display name (at most 200 characters).' })
  name?: string | null;
}

/** Input of login. */
@InputType({ description: 'Credentials, and optionally which account to act in.' })
export class LoginInput {
  @Field(() => String, { description: 'E-mail address.' })
  email!: string;

  @Field(() => String, { description: 'Password.' })
  password!: string;

  @Field(() => ID, { nullable: true, description: 'The account to log in to; default: the oldest membership.' })
  @IsOptional()
  accountId?: string | null;
}

/** Input of switchAccount. */
@InputType({ description: 'The account to act in next.' })
export class SwitchAccountInput {
  @Field(() => ID, { description: 'One of your accounts (see `accounts` in the login payload).' })
  accountId!: string;
}
