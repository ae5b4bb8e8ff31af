import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { Account } from '../accounts/account.entity';
import { Membership } from './membership.entity';

/** A page of members. */
export const MemberConnection = Connection(Membership, 'Member');

/** Payload of inviteMember. */
@ObjectType({ description: 'The invited member.' })
export class InviteMemberPayload {
  @Field(() => Membership, { description: 'The new member, status INVITED.' })
  member!: Membership;
}

/** Payload of updateMember. */
@ObjectType({ description: 'The member after the change.' })
export class UpdateMemberPayload {
  @Field(() => Membership, { description: 'The member.' })
  member!: Membership;
}

/** Payload of removeMember. */
@ObjectType({ description: 'What was removed.' })
export class RemoveMemberPayload {
  @Field(() => ID, { description: 'Global id of the removed member.' })
  removedMemberId!: string;
}

/** A newly issued session token. */
@ObjectType({ description: 'A session token: send it as `Authorization: Bearer <token>`. Shown once.' })
export class SessionToken {
  @Field(() => String, { description: 'The secret session token.' })
  token!: string;

  @Field(() => Date, { description: 'When the session stops working.' })
  expiresAt!: Date;
}

/** Payload of acceptInvitation. */
@ObjectType({ description: 'A session for the new member.' })
export class AcceptInvitationPayload {
  @Field(() => SessionToken, { description: 'The session, logged in to the inviting account.' })
  session!: SessionToken;

  @Field(() => Membership, { description: 'The member, now ACTIVE.' })
  member!: Membership;
}

/** Fields shared by the payloads that open a session (never referenced itself, so not emitted). */
@ObjectType({ description: 'A new session.' })
export abstract class SessionPayloadBase {
  @Field(() => String, { description: 'The secret session token; send it as `Authorization: Bearer <token>`. Shown once.' })
  token!: string;

  @Field(() => Date, { description: 'When the session stops working.' })
  expiresAt!: Date;

  @Field(() => Membership, { description: 'The membership the session acts as.' })
  member!: Membership;

  @Field(() => [Account], { description: 'Every account the user is an active member of, oldest membership first.' })
  accounts!: Account[];
}

/** Payload of login. */
@ObjectType({ description: 'A session for the account logged in to.' })
export class LoginPayload extends SessionPayloadBase {}

/** Payload of switchAccount. */
@ObjectType({ description: 'A session for the other account.' })
export class SwitchAccountPayload extends SessionPayloadBase {}

/** Payload of logout. */
@ObjectType({ description: 'The outcome of logging out.' })
export class LogoutPayload {
  @Field(() => Boolean, { description: 'True once the session is revoked.' })
  loggedOut!: boolean;
}
