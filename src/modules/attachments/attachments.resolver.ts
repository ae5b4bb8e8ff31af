import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import { Message } from '../sending/message.entity';
import { attachmentContent, messageAttachments } from './attachments.service';
import { MessageAttachment } from './message-attachment.entity';

/** Message.attachments: the files of a message, with the message's scope. */
@Resolver(() => Message)
export class MessageAttachmentsResolver {
  @Authorized(Permission.ACTIVITY_READ)
  @FieldResolver(() => [MessageAttachment], {
    description: 'Files and inline images of the message, in the order given (none once retention cleared its content). Their content needs ACTIVITY_CONTENT_READ.',
  })
  attachments(@Root() m: Message, @Ctx() ctx: Context): Promise<MessageAttachment[]> {
    return messageAttachments(ctx, m.id);
  }
}

/** MessageAttachment.content: the bytes, with their own permission. */
@Resolver(() => MessageAttachment)
export class AttachmentContentResolver {
  @Authorized(Permission.ACTIVITY_CONTENT_READ)
  @FieldResolver(() => String, { nullable: true, description: 'The file, base64-encoded. Needs ACTIVITY_CONTENT_READ.' })
  content(@Root() a: MessageAttachment, @Ctx() ctx: Context): Promise<string | null> {
    return attachmentContent(ctx, a.id);
  }
}
