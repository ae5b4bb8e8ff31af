import { Field, ObjectType } from 'type-graphql';
import { BulkSend } from './bulk-send.entity';
import { Message } from './message.entity';

/** Payload of sendEmail. */
@ObjectType({ description: 'The messages created: one per recipient (To, Cc and Bcc), in that order.' })
export class SendEmailPayload {
  @Field(() => [Message], { description: 'One message per recipient.' })
  messages!: Message[];
}

/** Payload of sendBulkEmail. */
@ObjectType({ description: 'The bulk send, processed in the background; poll bulkEmailStatus for progress.' })
export class SendBulkEmailPayload {
  @Field(() => BulkSend, { description: 'The bulk send.' })
  bulkEmail!: BulkSend;
}

/** Payload of cancelScheduledMessage. */
@ObjectType({ description: 'The cancelled message.' })
export class CancelScheduledMessagePayload {
  @Field(() => Message, { description: 'The message, now CANCELLED.' })
  message!: Message;
}
