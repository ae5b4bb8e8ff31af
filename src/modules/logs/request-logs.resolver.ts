import { Arg, Args, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context';
import { type Page, PageArgs } from '../../graphql/pagination';
import { RequestLogFilterInput } from './request-logs.inputs';
import { getRequestLog, listRequestLogPage, requestLogStream } from './request-logs.service';
import { RequestLog, RequestLogConnection } from './request-logs.types';

/** Request logs: the list, one log with its request and response, and the live stream. */
@Resolver(() => RequestLog)
export class RequestLogResolver {
  @Query(() => RequestLogConnection, { description: 'GraphQL calls made by principals in your scope, newest first (kept REQUEST_LOG_RETENTION_DAYS). Needs LOGS_READ.' })
  requestLogs(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => RequestLogFilterInput, { nullable: true, description: 'Which calls.' }) filter: RequestLogFilterInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<RequestLog>> {
    return listRequestLogPage(ctx, args, filter);
  }

  @Query(() => RequestLog, { description: 'One call with its redacted request and response. Needs LOGS_READ.' })
  requestLog(@Arg('id', () => ID, { description: 'Global id of the request log.' }) id: string, @Ctx() ctx: Context): Promise<RequestLog> {
    return getRequestLog(ctx, id);
  }

  @Subscription(() => RequestLog, {
    description: 'Streams calls by principals in your scope as they are logged (within about a second). Needs LOGS_READ.',
    subscribe: ({ args, context }) => requestLogStream(context as Context, (args as { filter?: RequestLogFilterInput | null }).filter),
  })
  requestLogged(@Root() log: RequestLog, @Arg('filter', () => RequestLogFilterInput, { nullable: true, description: 'Which calls.' }) _filter: RequestLogFilterInput | null): RequestLog {
    return log;
  }
}
