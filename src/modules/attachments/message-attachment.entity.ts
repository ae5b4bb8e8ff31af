import { Entity, Enum, Filter, Index, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { MessageOwned, messageScopeFilter } from '../sending/message-owned.entity';
import { Field, Int, ObjectType } from 'type-graphql';
import { Message } from '../sending/message.entity';
import { AttachmentDisposition } from './attachment-disposition';

/**
 * One attachment of one message: its name, type and place, and the hash of its stored bytes. Carries
 * the message's owners (domain, tenant, sender identity), so it is scoped exactly as its message is.
 */
@Entity({ tableName: 'message_attachments' })
@Unique({ properties: ['message', 'position'] })
@Index({ properties: ['account', 'blobSha256'] })
@Filter(messageScopeFilter)
@ObjectType({ description: 'A file attached to a message, or an image shown inline in its HTML.' })
export class MessageAttachment extends MessageOwned {
  @ManyToOne(() => Message, { ref: true, deleteRule: 'cascade' })
  message!: Ref<Message>;

  /** Its place among the message's attachments (0-based), the order of the request. */
  @Property({ type: 'integer' })
  position!: number;

  @Field(() => String, { description: 'The file name (sanitised).' })
  @Property({ type: 'text' })
  filename!: string;

  @Field(() => String, { description: 'The media type, checked against the bytes.' })
  @Property({ type: 'text' })
  contentType!: string;

  @Field(() => AttachmentDisposition, { description: 'ATTACHMENT or INLINE.' })
  @Enum({ items: () => AttachmentDisposition, type: 'text' })
  disposition: AttachmentDisposition = AttachmentDisposition.ATTACHMENT;

  @Field(() => String, { nullable: true, description: 'The Content-ID the HTML references an inline image by (`cid:<contentId>`).' })
  @Property({ type: 'text', nullable: true })
  contentId: string | null = null;

  @Field(() => Int, { description: 'Size in bytes (decoded).' })
  @Property({ type: 'integer' })
  size!: number;

  /** The stored bytes: AttachmentBlob (account, sha256). */
  @Property({ type: 'text' })
  blobSha256!: string;
}
