import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import type { Row } from '../../db/read-rows';
import { ReadsColumns, selectedColumns } from '../../graphql/row-columns';
import { childrenLoader } from '../../graphql/loaders';
import { Domain } from '../domains/domain.entity';
import { Template } from './template.entity';

/** Adds `Domain.templates`: the templates feature extends the domain type, so imports point one way. */
@Resolver(() => Domain)
export class DomainTemplatesResolver {
  @Authorized(Permission.TEMPLATES_READ)
  @FieldResolver(() => [Template], { description: 'Templates of this domain that you can see, oldest first. Needs TEMPLATES_READ.' })
  @ReadsColumns('id')
  templates(@Root() domain: Row<Domain>, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Row<Template>[]> {
    return childrenLoader(ctx, Template, 'domain', selectedColumns(info)).load(domain.id);
  }
}
