import { defineModule } from '../module';
import { AttachmentBlob } from './attachment-blob.entity';
import { AttachmentContentResolver, MessageAttachmentsResolver } from './attachments.resolver';
import { MessageAttachment } from './message-attachment.entity';

/** Attachments: files and inline images of messages, their bytes stored once per account and content. */
export const attachmentsModule = defineModule({
  name: 'attachments',
  entities: [AttachmentBlob, MessageAttachment],
  resolvers: [MessageAttachmentsResolver, AttachmentContentResolver],
});
