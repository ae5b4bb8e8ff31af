import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import { scopeAllows } from '../../auth/scope';
import { type Context, requireScope } from '../../context';
import { toGlobalId } from '../../graphql/global-id';
import { byIdLoader } from '../../graphql/loaders';
import type { Row } from '../../db/read-rows';
import { ReadsColumns } from '../../graphql/row-columns';
import type { Page } from '../../graphql/pagination';
import { Domain } from '../domains/domain.entity';
import { Template } from './template.entity';
import { CreateTemplateInput, DeleteTemplateInput, DuplicateTemplateInput, TemplatesArgs, UpdateTemplateInput } from './template.inputs';
import { createTemplate, deleteTemplate, duplicateTemplate, getTemplate, listTemplates, updateTemplate } from './template.service';
import { CreateTemplatePayload, DeleteTemplatePayload, DuplicateTemplatePayload, TemplateConnection, UpdateTemplatePayload } from './template.types';

/** Queries, mutations and computed fields of templates. */
@Resolver(() => Template)
export class TemplateResolver {
  @Query(() => TemplateConnection, { description: 'Templates in your scope, oldest first. Needs TEMPLATES_READ.' })
  templates(@Args(() => TemplatesArgs) args: TemplatesArgs, @Ctx() ctx: Context): Promise<Page<Row<Template>>> {
    return listTemplates(ctx, args);
  }

  @Query(() => Template, { description: 'One template by id. Needs TEMPLATES_READ.' })
  template(@Arg('id', () => ID, { description: 'Global id.' }) id: string, @Ctx() ctx: Context): Promise<Template> {
    return getTemplate(ctx, id);
  }

  @Mutation(() => CreateTemplatePayload, { description: 'Adds a template to a domain in your scope; a Liquid syntax error is refused with its line and column. Needs TEMPLATES_MANAGE.' })
  async createTemplate(@Arg('input', () => CreateTemplateInput, { description: 'The template.' }) input: CreateTemplateInput, @Ctx() ctx: Context): Promise<CreateTemplatePayload> {
    return { template: await createTemplate(ctx, input) };
  }

  @Mutation(() => UpdateTemplatePayload, { description: 'Changes a template. Needs TEMPLATES_MANAGE.' })
  async updateTemplate(@Arg('input', () => UpdateTemplateInput, { description: 'The changes.' }) input: UpdateTemplateInput, @Ctx() ctx: Context): Promise<UpdateTemplatePayload> {
    return { template: await updateTemplate(ctx, input) };
  }

  @Mutation(() => DuplicateTemplatePayload, { description: 'Copies a template, to the same or another domain in your scope. Needs TEMPLATES_MANAGE.' })
  async duplicateTemplate(
    @Arg('input', () => DuplicateTemplateInput, { description: 'What to copy and where.' }) input: DuplicateTemplateInput,
    @Ctx() ctx: Context,
  ): Promise<DuplicateTemplatePayload> {
    return { template: await duplicateTemplate(ctx, input) };
  }

  @Mutation(() => DeleteTemplatePayload, { description: 'Deletes a template. Needs TEMPLATES_MANAGE.' })
  async deleteTemplate(@Arg('input', () => DeleteTemplateInput, { description: 'Which template.' }) input: DeleteTemplateInput, @Ctx() ctx: Context): Promise<DeleteTemplatePayload> {
    return { deletedTemplateId: await deleteTemplate(ctx, input) };
  }

  @FieldResolver(() => ID, { description: 'Global id of the domain the template belongs to.' })
  @ReadsColumns('domain')
  domainId(@Root() template: Row<Template>): string {
    return toGlobalId('Domain', template.domain.id);
  }

  @FieldResolver(() => Domain, { nullable: true, description: 'The domain the template belongs to; null when it is outside your scope or you lack DOMAINS_READ.' })
  domain(@Root() template: Template, @Ctx() ctx: Context): Promise<Domain | null> | null {
    if (!scopeAllows(requireScope(ctx), Permission.DOMAINS_READ)) return null;
    return byIdLoader(ctx, Domain).load(template.domain.id);
  }
}
