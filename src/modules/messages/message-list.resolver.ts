import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import type { Row } from '../../db/read-rows';
import { type Page, PageArgs } from '../../graphql/pagination';
import { ReadsColumns } from '../../graphql/row-columns';
import { BulkSend } from '../sending/bulk-send.entity';
import { Message } from '../sending/message.entity';
import { BulkEmailsFilterInput, MessagesFilterInput } from './message-list.inputs';
import { listBulkEmails, listMessages, messageBulkEmail } from './message-list.service';
import { BulkSendConnection, MessageConnection } from './message-list.types';

/** The messages and bulkEmails lists, and `Message.bulkEmail` — thin, each one service call. */
@Resolver(() => Message)
export class MessageListResolver {
  @Query(() => MessageConnection, {
    description:
      'Messages in your scope, newest first, scheduled ones included (status SCHEDULED). Recipient and from match whole addresses case-insensitively; subject matches a case-insensitive substring. Needs ACTIVITY_READ.',
  })
  messages(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => MessagesFilterInput, { nullable: true, description: 'Which messages.' }) filter: MessagesFilterInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Row<Message>>> {
    return listMessages(ctx, args, filter);
  }

  @Query(() => BulkSendConnection, { description: 'Your bulk sends, newest first (an account-wide principal sees every bulk send of the account). Needs EMAIL_SEND.' })
  bulkEmails(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => BulkEmailsFilterInput, { nullable: true, description: 'Which bulk sends.' }) filter: BulkEmailsFilterInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Row<BulkSend>>> {
    return listBulkEmails(ctx, args, filter);
  }

  @FieldResolver(() => BulkSend, { nullable: true, description: 'The bulk send the message came from; null when sent alone, without EMAIL_SEND, or when the bulk send is not yours to see.' })
  @ReadsColumns('bulkId')
  bulkEmail(@Root() m: Row<Message>, @Ctx() ctx: Context): Promise<BulkSend | null> {
    return messageBulkEmail(ctx, m.bulkId);
  }
}
