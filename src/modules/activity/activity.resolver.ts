import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import { PageArgs } from '../../graphql/pagination';
import { SharedLive } from '../../graphql/shared-live';
import { Message } from '../sending/message.entity';
import { ActivityFilterInput } from './activity-filter';
import { ActivityEventConnection, ActivityEventNode } from './activity.types';
import { getMessage, listActivity, streamActivity } from './activity.service';
import { eventMessage } from './message-fields';

/** The activity query and subscription, `message(id)`, and `ActivityEvent.message`. */
@Resolver(() => ActivityEventNode)
export class ActivityResolver {
  @Query(() => ActivityEventConnection, { description: 'Events in your scope, newest first. Needs ACTIVITY_READ.' })
  activity(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => ActivityFilterInput, { nullable: true, description: 'Which events.' }) filter: ActivityFilterInput | null,
    @Ctx() ctx: Context,
  ): Promise<ActivityEventConnection> {
    return listActivity(ctx, args, filter);
  }

  @Query(() => Message, { description: 'One message with its events. Needs ACTIVITY_READ; its content needs ACTIVITY_CONTENT_READ.' })
  message(@Arg('id', () => ID, { description: 'Global id of the message.' }) id: string, @Ctx() ctx: Context): Promise<Message> {
    return getMessage(ctx, id);
  }

  @SharedLive(['after'])
  @Subscription(() => ActivityEventNode, {
    name: 'activity',
    description:
      'Streams each new event in your scope matching the filter the moment its transaction commits. With `after` (a cursor from the activity query or an earlier event), first replays every event since then, then continues live with no gap and no duplicate. Needs ACTIVITY_READ.',
    subscribe: ({ args, context }) => {
      const a = args as { filter?: ActivityFilterInput | null; after?: string | null };
      return streamActivity(context as Context, a.filter, a.after);
    },
  })
  activitySubscription(
    @Root() event: ActivityEventNode,
    @Arg('filter', () => ActivityFilterInput, { nullable: true, description: 'Which events.' }) _filter?: ActivityFilterInput | null,
    @Arg('after', () => String, { nullable: true, description: 'Replay events after this cursor first.' }) _after?: string | null,
  ): ActivityEventNode {
    return event;
  }

  @Authorized(Permission.ACTIVITY_READ)
  @FieldResolver(() => Message, { name: 'message', nullable: true, description: 'The message the event belongs to.' })
  message_(@Root() event: ActivityEventNode, @Ctx() ctx: Context): Promise<Message | null> {
    return eventMessage(ctx, event);
  }
}
