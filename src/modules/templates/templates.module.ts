import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { DomainTemplatesResolver } from './domain-templates.resolver';
import { Template } from './template.entity';
import { TemplateResolver } from './template.resolver';
import { TemplateAttachmentsResolver } from './template-attachments';

/** E-mail templates (Liquid). */
export const templatesModule = defineModule({
  name: 'templates',
  entities: [Template],
  resolvers: [TemplateResolver, DomainTemplatesResolver, TemplateAttachmentsResolver],
  nodeTypes: { Template: { entity: Template, permission: Permission.TEMPLATES_READ } },
});
