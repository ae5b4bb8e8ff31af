import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import { childrenLoader } from '../../graphql/loaders';
import { Domain } from '../domains/domain.entity';
import { Template } from './template.entity';

/** Adds `Domain.templates`: the templates feature extends the domain type, so imports point one way. */
@Resolver(() => Domain)
export class DomainTemplatesResolver {
  @Authorized(Permission.TEMPLATES_READ)
  @FieldResolver(() => [Template], { description: 'Templates of this domain that you can see, oldest first. Needs TEMPLATES_READ.' })
  templates(@Root() domain: Domain, @Ctx() ctx: Context): Promise<Template[]> {
    return childrenLoader(ctx, Template, 'domain').load(domain.id);
  }
}
