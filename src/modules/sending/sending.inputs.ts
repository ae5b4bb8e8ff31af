import { Field, ID, InputType } from 'type-graphql';
import type { DecodedAttachment } from '../attachments/attachment-parse';
import { AttachmentInput } from '../attachments/attachment.inputs';

/** Limits of one send request. */
export const SEND_LIMITS = { to: 50, cc: 50, bcc: 50, tags: 5, headers: 20, headerValue: 998, name: 200, idempotencyKey: 200, bulk: 500 } as const;

/** An address with an optional display name. */
@InputType({ description: 'An e-mail address with an optional display name.' })
export class EmailAddressInput {
  @Field(() => String, { description: 'The address, e.g. `ada@example.com`.' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Display name (up to 200 characters, one line).' })
  name?: string | null;
}

/** A custom header from the allow-list. */
@InputType({ description: 'A custom header: `X-…` (except `X-Mailroom-…`), `In-Reply-To` or `References`.' })
export class MessageHeaderInput {
  @Field(() => String, { description: 'Header name, e.g. `X-Campaign`.' })
  name!: string;

  @Field(() => String, { description: 'Header value (one line, up to 998 characters).' })
  value!: string;
}

/** Input of sendEmail (and each request of sendBulkEmail). */
@InputType({ description: 'One e-mail to up to 50 To recipients (plus Cc and Bcc). Give html and/or text, or templateId with variables.' })
export class SendEmailInput {
  @Field(() => EmailAddressInput, {
    nullable: true,
    description: 'The sender: a confirmed sender identity or an address on a verified domain in your scope. May be omitted when the template has a From address.',
  })
  from?: EmailAddressInput | null;

  @Field(() => [EmailAddressInput], { description: 'To recipients (1–50). Each recipient gets its own copy.' })
  to!: EmailAddressInput[];

  @Field(() => [EmailAddressInput], { nullable: true, description: 'Cc recipients (up to 50), shown in the Cc header.' })
  cc?: EmailAddressInput[] | null;

  @Field(() => [EmailAddressInput], { nullable: true, description: 'Bcc recipients (up to 50), never shown in headers.' })
  bcc?: EmailAddressInput[] | null;

  @Field(() => EmailAddressInput, { nullable: true, description: "Reply-To address (default: the template's or the sender identity's)." })
  replyTo?: EmailAddressInput | null;

  @Field(() => String, { nullable: true, description: 'Subject (1–998 characters, one line). Required unless a template gives it.' })
  subject?: string | null;

  @Field(() => String, { nullable: true, description: 'HTML body (up to 512 KiB).' })
  html?: string | null;

  @Field(() => String, { nullable: true, description: 'Plain-text body (up to 512 KiB).' })
  text?: string | null;

  @Field(() => ID, { nullable: true, description: 'A template in your scope; its subject and bodies are rendered with `variables` (Liquid).' })
  templateId?: string | null;

  @Field(() => Object, { nullable: true, description: 'Variables for the template.' })
  variables?: Record<string, unknown> | null;

  @Field(() => [String], { nullable: true, description: 'Up to 5 tags, each 1–50 letters, digits, `_`, `-`, `.` or `:`.' })
  tags?: string[] | null;

  @Field(() => [MessageHeaderInput], { nullable: true, description: 'Custom headers (up to 20) from the allow-list.' })
  headers?: MessageHeaderInput[] | null;

  @Field(() => [AttachmentInput], {
    nullable: true,
    description: "Files (up to 50, 25 MB together by default) and inline images (`cid:` in the html). Without any, a template's attachments are used. Stored once however many recipients get them.",
  })
  /** Over GraphQL and REST base64 ones; SMTP hands over the parts mailparser decoded already (no base64 round trip). */
  attachments?: (AttachmentInput | DecodedAttachment)[] | null;

  @Field(() => Date, { nullable: true, description: 'Deliver at this time instead of now (up to 30 days ahead); cancellable until then.' })
  sendAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Repeating a request with the same key and body within 24 hours returns the same messages and sends nothing again.' })
  idempotencyKey?: string | null;
}

/** Input of sendBulkEmail. */
@InputType({ description: 'Up to 500 send requests, processed in the background.' })
export class SendBulkEmailInput {
  @Field(() => [SendEmailInput], { description: 'The requests (1–500), each like sendEmail’s input.' })
  requests!: SendEmailInput[];

  @Field(() => [AttachmentInput], {
    nullable: true,
    description:
      'Files every request gets, after its own (checked once, stored once — one invoice template or ticket to many recipients without repeating the file per request). A request that gets them does not get its template’s default attachments; each request’s own and these together are within the per-message limit.',
  })
  attachments?: AttachmentInput[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Repeating a bulk send with the same key and body within 24 hours returns the same bulk send (with its progress) and sends nothing again; the key with another body (or a key used for a sendEmail) is CONFLICT. Keys are per caller.',
  })
  idempotencyKey?: string | null;
}

/** Input of cancelScheduledMessage. */
@InputType({ description: 'Which scheduled message to cancel.' })
export class CancelScheduledMessageInput {
  @Field(() => ID, { description: 'The message (status SCHEDULED).' })
  id!: string;
}
