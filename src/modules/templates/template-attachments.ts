import { Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { AttachmentDisposition } from '../attachments/attachment-disposition';
import type { AttachmentInput } from '../attachments/attachment.inputs';
import { parseAttachments, type StoredAttachmentRef, storedRefs } from '../attachments/attachment-parse';
import { storeAttachmentBlobs } from '../attachments/attachment-store';
import { Template } from './template.entity';

/** A default attachment of a template, as its readers see it (no content). */
@ObjectType({ description: "A template's default attachment: sends with the template that give no attachments get it." })
export class TemplateAttachment {
  @Field(() => String, { description: 'The file name (sanitised).' })
  filename!: string;

  @Field(() => String, { description: 'The media type, checked against the bytes.' })
  contentType!: string;

  @Field(() => Int, { description: 'Size in bytes (decoded).' })
  size!: number;

  @Field(() => AttachmentDisposition, { description: 'ATTACHMENT or INLINE.' })
  disposition!: AttachmentDisposition;

  @Field(() => String, { nullable: true, description: 'The Content-ID the HTML references an inline image by.' })
  contentId!: string | null;
}

/**
 * Checks a template's default attachments as sendEmail checks a request's (BAD_USER_INPUT naming
 * `attachments[i].…`), stores their bytes once per account and content and returns the references the
 * template keeps. Writes the blobs (before the template is flushed: an unused blob is removed later).
 */
export async function templateAttachments(ctx: Context, accountId: string, list: readonly AttachmentInput[] | null): Promise<StoredAttachmentRef[]> {
  const parsed = parseAttachments(list, ctx.config.maxAttachmentBytes);
  await storeAttachmentBlobs(ctx.em, accountId, parsed);
  return storedRefs(parsed);
}

/** Template.attachments: its default attachments (metadata; the template's own scope). */
@Resolver(() => Template)
export class TemplateAttachmentsResolver {
  @FieldResolver(() => [TemplateAttachment], { description: 'Default attachments: a send with this template that gives no attachments gets these.' })
  attachments(@Root() t: Pick<Template, 'attachments'>): TemplateAttachment[] {
    return (t.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.stored.size, disposition: a.disposition, contentId: a.contentId }));
  }
}
