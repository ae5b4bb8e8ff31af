import { Field, InputType } from 'type-graphql';
import { AttachmentDisposition } from './attachment-disposition';

/** One attachment of a send request. */
@InputType({ description: 'A file attached to an e-mail, or an image shown inline in its HTML.' })
export class AttachmentInput {
  @Field(() => String, {
    description: 'The file name shown to the recipient (paths and control characters are removed; at most 200 characters). Executable types (`.exe`, `.js`, `.bat`, `.scr`, …) are refused.',
  })
  filename!: string;

  @Field(() => String, { description: 'The file, base64-encoded. All attachments of a message together: at most MAILROOM_MAX_ATTACHMENT_BYTES decoded (25 MB by default).' })
  content!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The media type, e.g. `application/pdf`; checked against the bytes and the name (a mismatch is refused). Default: what the bytes or the name say, else `application/octet-stream`.',
  })
  contentType?: string | null;

  @Field(() => AttachmentDisposition, { nullable: true, description: 'ATTACHMENT (default) or INLINE.' })
  disposition?: AttachmentDisposition | null;

  @Field(() => String, { nullable: true, description: 'The Content-ID an inline image is referenced by in the HTML (`cid:logo` → `logo`); required for INLINE, unique in the message.' })
  contentId?: string | null;
}
