import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { IdentityWarningCode } from './dmarc';
import { SenderIdentity } from './sender-identity.entity';

registerEnumType(IdentityWarningCode, {
  name: 'IdentityWarningCode',
  description: "Why an identity may not work well. DMARC_REJECT: the address's own domain publishes DMARC p=reject.",
  valuesConfig: { DMARC_REJECT: { description: "The address's own domain publishes DMARC p=reject, so receivers may refuse mail sent for it." } },
});

/** A problem with a sender identity that the client should fix. */
@ObjectType({ description: 'A problem with a sender identity that the client should fix; the identity still works.' })
export class IdentityWarning {
  @Field(() => IdentityWarningCode, { description: 'What kind of problem.' })
  code!: IdentityWarningCode;

  @Field(() => String, { description: 'The problem and its fix, in words.' })
  message!: string;
}

/** A page of sender identities. */
export const SenderIdentityConnection = Connection(SenderIdentity, 'SenderIdentity');

/** Payload of createSenderIdentity, confirmSenderIdentity and resendSenderIdentityConfirmation. */
@ObjectType({ description: 'The sender identity after the change.' })
export class SenderIdentityPayload {
  @Field(() => SenderIdentity, { description: 'The sender identity.' })
  senderIdentity!: SenderIdentity;
}

/** Payload of deleteSenderIdentity. */
@ObjectType({ description: 'What was deleted.' })
export class DeleteSenderIdentityPayload {
  @Field(() => ID, { description: 'Global id of the deleted sender identity.' })
  deletedSenderIdentityId!: string;
}
