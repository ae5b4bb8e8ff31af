import { ref, type FilterQuery } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import type { Scope } from '../../auth/scope';
import { type Context, requirePermission } from '../../context';
import { badInput, forbidden } from '../../graphql/errors';
import { fromGlobalId, toGlobalId } from '../../graphql/global-id';
import type { Row } from '../../db/read-rows';
import { type Page, paginateRows } from '../../graphql/pagination';
import { Domain } from '../domains/domain.entity';
import { templateVariables } from './liquid';
import { optionalDisplayName, optionalEmail, optionalText } from '../mail/address';
import { body, categoryList, requiredLine, subjectLine, tagList } from './template-fields';
import { Template } from './template.entity';
import type { CreateTemplateInput, DeleteTemplateInput, DuplicateTemplateInput, TemplatesArgs, UpdateTemplateInput } from './template.inputs';
import { findInScope, loadInScope } from '../../db/find-in-scope';
import { templateAttachments } from './template-attachments';

/** The editable content of a template, validated and normalised. */
interface TemplateContent {
  name: string;
  description: string | null;
  subject: string;
  html: string | null;
  text: string | null;
  tags: string[];
  categories: string[];
  fromEmail: string | null;
  fromName: string | null;
  replyToEmail: string | null;
  replyToName: string | null;
}

const NAME_MAX = 200;

async function templateInScope(ctx: Context, gid: string, field = 'id'): Promise<Template> {
  return findInScope(ctx, Template, 'Template', gid, field);
}

/** Loads a template in the caller's scope by global id, or NOT_FOUND. Needs TEMPLATES_READ. */
export async function getTemplate(ctx: Context, gid: string, field = 'id'): Promise<Template> {
  requirePermission(ctx, Permission.TEMPLATES_READ);
  return templateInScope(ctx, gid, field);
}

/** Lists templates in the caller's scope, optionally of one domain, with a tag or in a category. */
export async function listTemplates(ctx: Context, args: TemplatesArgs): Promise<Page<Row<Template>>> {
  requirePermission(ctx, Permission.TEMPLATES_READ);
  const where: FilterQuery<Template> = {};
  if (args.domainId) where.domain = fromGlobalId(args.domainId, 'Domain', 'domainId');
  if (args.tag) where.tags = { $contains: [args.tag] };
  if (args.category) where.categories = { $contains: [args.category] };
  return paginateRows(ctx.em, Template, where, args);
}

async function domainInScope(ctx: Context, id: string): Promise<Domain> {
  return loadInScope(ctx, Domain, 'Domain', id, 'domainId');
}

function requireNoAllowList(scope: Scope, action: string): void {
  if (scope.templateIds) throw forbidden(`A principal limited to a list of templates cannot ${action} templates`);
}

function validateContent(c: TemplateContent): TemplateContent {
  const content: TemplateContent = {
    name: requiredLine('name', c.name, 1, NAME_MAX),
    description: optionalText('description', c.description, 2000),
    subject: subjectLine(c.subject),
    html: body('html', c.html),
    text: body('text', c.text),
    tags: tagList(c.tags),
    categories: categoryList(c.categories),
    fromEmail: optionalEmail('fromEmail', c.fromEmail),
    fromName: optionalDisplayName('fromName', c.fromName, NAME_MAX),
    replyToEmail: optionalEmail('replyToEmail', c.replyToEmail),
    replyToName: optionalDisplayName('replyToName', c.replyToName, NAME_MAX),
  };
  if (content.html === null && content.text === null) throw badInput('html', 'A template needs an html or a text body (or both)');
  return content;
}

/** Writes validated content onto the template, with the variables its Liquid uses (parsed in the render pool; throws on a syntax error first). */
async function applyContent(ctx: Context, template: Template, content: TemplateContent): Promise<void> {
  const parts = { subject: content.subject, html: content.html, text: content.text };
  const variables = await templateVariables(ctx.deps.renderer, parts, ctx.config.renderTimeoutMs);
  template.name = content.name;
  template.description = content.description;
  template.subject = content.subject;
  template.html = content.html;
  template.text = content.text;
  template.tags = content.tags;
  template.categories = content.categories;
  template.fromEmail = content.fromEmail;
  template.fromName = content.fromName;
  template.replyToEmail = content.replyToEmail;
  template.replyToName = content.replyToName;
  template.variables = variables;
}

function contentOf(t: Template): TemplateContent {
  const { name, description, subject, html, text, fromEmail, fromName, replyToEmail, replyToName } = t;
  return { name, description, subject, html, text, tags: [...t.tags], categories: [...t.categories], fromEmail, fromName, replyToEmail, replyToName };
}

function newTemplate(domain: Domain): Template {
  const template = new Template();
  template.account = domain.account;
  template.domain = ref(domain);
  // Denormalised so the scope filter needs no join.
  template.tenant = domain.tenant;
  return template;
}

/** Creates a template on a domain in scope; stores the variables it uses. Needs TEMPLATES_MANAGE. */
export async function createTemplate(ctx: Context, input: CreateTemplateInput): Promise<Template> {
  const scope = requirePermission(ctx, Permission.TEMPLATES_MANAGE);
  requireNoAllowList(scope, 'create');
  const domain = await domainInScope(ctx, fromGlobalId(input.domainId, 'Domain', 'domainId'));
  const content = validateContent({
    name: input.name,
    description: input.description ?? null,
    subject: input.subject,
    html: input.html ?? null,
    text: input.text ?? null,
    tags: input.tags ?? [],
    categories: input.categories ?? [],
    fromEmail: input.fromEmail ?? null,
    fromName: input.fromName ?? null,
    replyToEmail: input.replyToEmail ?? null,
    replyToName: input.replyToName ?? null,
  });
  const template = newTemplate(domain);
  await applyContent(ctx, template, content);
  if (input.attachments?.length) template.attachments = await templateAttachments(ctx, scope.accountId, input.attachments);
  ctx.em.persist(template);
  await ctx.em.flush();
  return template;
}

/** Changes a template in scope; omitted fields stay, null clears optional ones. Needs TEMPLATES_MANAGE. */
export async function updateTemplate(ctx: Context, input: UpdateTemplateInput): Promise<Template> {
  const scope = requirePermission(ctx, Permission.TEMPLATES_MANAGE);
  const template = await templateInScope(ctx, input.id);
  const c = contentOf(template);
  const keep = <T>(next: T | null | undefined, current: T): T => (next === undefined || next === null ? current : next);
  const clear = <T>(next: T | null | undefined, current: T | null): T | null => (next === undefined ? current : next);
  await applyContent(
    ctx,
    template,
    validateContent({
      name: keep(input.name, c.name),
      description: clear(input.description, c.description),
      subject: keep(input.subject, c.subject),
      html: clear(input.html, c.html),
      text: clear(input.text, c.text),
      tags: keep(input.tags, c.tags),
      categories: keep(input.categories, c.categories),
      fromEmail: clear(input.fromEmail, c.fromEmail),
      fromName: clear(input.fromName, c.fromName),
      replyToEmail: clear(input.replyToEmail, c.replyToEmail),
      replyToName: clear(input.replyToName, c.replyToName),
    }),
  );
  if (input.attachments !== undefined) template.attachments = await templateAttachments(ctx, scope.accountId, input.attachments);
  await ctx.em.flush();
  return template;
}

/** Copies a template in scope, to its own domain or another domain in scope. Needs TEMPLATES_MANAGE. */
export async function duplicateTemplate(ctx: Context, input: DuplicateTemplateInput): Promise<Template> {
  const scope = requirePermission(ctx, Permission.TEMPLATES_MANAGE);
  requireNoAllowList(scope, 'duplicate');
  const source = await templateInScope(ctx, input.id);
  const domain = await domainInScope(ctx, input.domainId ? fromGlobalId(input.domainId, 'Domain', 'domainId') : source.domain.id);
  const name = input.name ?? `${source.name} (copy)`.slice(0, NAME_MAX);
  const copy = newTemplate(domain);
  await applyContent(ctx, copy, validateContent({ ...contentOf(source), name }));
  copy.attachments = source.attachments.map((a) => ({ ...a, stored: { ...a.stored } }));
  ctx.em.persist(copy);
  await ctx.em.flush();
  return copy;
}

/** Deletes a template in scope; returns its global id. Needs TEMPLATES_MANAGE. */
export async function deleteTemplate(ctx: Context, input: DeleteTemplateInput): Promise<string> {
  requirePermission(ctx, Permission.TEMPLATES_MANAGE);
  const template = await templateInScope(ctx, input.id);
  const gid = toGlobalId('Template', template.id);
  ctx.em.remove(template);
  await ctx.em.flush();
  return gid;
}
