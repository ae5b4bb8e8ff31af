import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { type Page, PageArgs } from '../../graphql/pagination';
import { AuditLogFilterInput } from './audit.inputs';
import { listAuditLog } from './audit.service';
import { AuditEntryConnection, AuditEntryView } from './audit.types';

/** The audit log query. */
@Resolver(() => AuditEntryView)
export class AuditResolver {
  @Query(() => AuditEntryConnection, { description: 'Changes made by members and API tokens to objects in your scope, newest first. Needs LOGS_READ.' })
  auditLog(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => AuditLogFilterInput, { nullable: true, description: 'Which changes.' }) filter: AuditLogFilterInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<AuditEntryView>> {
    return listAuditLog(ctx, args, filter);
  }
}
