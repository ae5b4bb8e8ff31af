import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { Template } from './template.entity';

/** A page of templates. */
export const TemplateConnection = Connection(Template, 'Template');

/** Payload of createTemplate. */
@ObjectType({ description: 'Result of createTemplate.' })
export class CreateTemplatePayload {
  @Field(() => Template, { description: 'The new template.' })
  template!: Template;
}

/** Payload of updateTemplate. */
@ObjectType({ description: 'Result of updateTemplate.' })
export class UpdateTemplatePayload {
  @Field(() => Template, { description: 'The template after the change.' })
  template!: Template;
}

/** Payload of duplicateTemplate. */
@ObjectType({ description: 'Result of duplicateTemplate.' })
export class DuplicateTemplatePayload {
  @Field(() => Template, { description: 'The copy.' })
  template!: Template;
}

/** Payload of deleteTemplate. */
@ObjectType({ description: 'What was deleted.' })
export class DeleteTemplatePayload {
  @Field(() => ID, { description: 'Global id of the deleted template.' })
  deletedTemplateId!: string;
}
