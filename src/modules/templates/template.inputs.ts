import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/pagination';
import { AttachmentInput } from '../attachments/attachment.inputs';

/** Input of createTemplate. */
@InputType({ description: 'A new template on a domain. At least one of html and text is required.' })
export class CreateTemplateInput {
  @Field(() => ID, { description: 'The domain the template belongs to; it must be in your scope.' })
  domainId!: string;

  @Field(() => String, { description: 'Name shown in lists (1–200 characters).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Free-text description (up to 2000 characters).' })
  description?: string | null;

  @Field(() => String, { description: 'Subject (Liquid, 1–998 characters, no line breaks).' })
  subject!: string;

  @Field(() => String, { nullable: true, description: 'HTML body (Liquid, up to 512 KiB).' })
  html?: string | null;

  @Field(() => String, { nullable: true, description: 'Plain-text body (Liquid, up to 512 KiB).' })
  text?: string | null;

  @Field(() => [String], { nullable: true, description: 'Up to 10 tags, each 1–50 letters, digits, `_`, `-`, `.` or `:`.' })
  tags?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Up to 10 categories, each 1–50 characters.' })
  categories?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Default From address.' })
  fromEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'Default From name (up to 200 characters).' })
  fromName?: string | null;

  @Field(() => String, { nullable: true, description: 'Default Reply-To address.' })
  replyToEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'Default Reply-To name (up to 200 characters).' })
  replyToName?: string | null;

  @Field(() => [AttachmentInput], { nullable: true, description: 'Default attachments, checked as sendEmail checks them: a send with this template that gives no attachments gets these.' })
  attachments?: AttachmentInput[] | null;
}

/** Input of updateTemplate: omitted fields stay; null clears an optional field. */
@InputType({ description: 'Changes to a template. Omitted fields stay as they are; null clears an optional field (name, subject, tags and categories ignore null).' })
export class UpdateTemplateInput {
  @Field(() => ID, { description: 'The template.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name (1–200 characters).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'New subject (Liquid).' })
  subject?: string | null;

  @Field(() => String, { nullable: true, description: 'New HTML body (Liquid).' })
  html?: string | null;

  @Field(() => String, { nullable: true, description: 'New plain-text body (Liquid).' })
  text?: string | null;

  @Field(() => [String], { nullable: true, description: 'New tags (replace the old ones).' })
  tags?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'New categories (replace the old ones).' })
  categories?: string[] | null;

  @Field(() => String, { nullable: true, description: 'New default From address.' })
  fromEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'New default From name.' })
  fromName?: string | null;

  @Field(() => String, { nullable: true, description: 'New default Reply-To address.' })
  replyToEmail?: string | null;

  @Field(() => String, { nullable: true, description: 'New default Reply-To name.' })
  replyToName?: string | null;

  @Field(() => [AttachmentInput], { nullable: true, description: 'New default attachments (replace the old ones; null or an empty list removes them).' })
  attachments?: AttachmentInput[] | null;
}

/** Input of duplicateTemplate. */
@InputType({ description: 'Which template to copy, and where.' })
export class DuplicateTemplateInput {
  @Field(() => ID, { description: 'The template to copy.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Name of the copy (default: "<name> (copy)").' })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: 'Domain of the copy (default: the same domain); it must be in your scope.' })
  domainId?: string | null;
}

/** Input of deleteTemplate. */
@InputType({ description: 'Which template to delete.' })
export class DeleteTemplateInput {
  @Field(() => ID, { description: 'The template.' })
  id!: string;
}

/** Arguments of the templates query. */
@ArgsType()
export class TemplatesArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only templates of this domain.' })
  domainId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only templates with this tag.' })
  tag?: string | null;

  @Field(() => String, { nullable: true, description: 'Only templates in this category.' })
  category?: string | null;
}
