import { Permission } from '../../auth/permissions';
import { scopeAllows } from '../../auth/scope';
import { type Context, requirePermission, requireScope } from '../../context';
import type { Row } from '../../db/read-rows';
import { byIdLoader } from '../../graphql/loaders';
import { type Page, type PageWindow, paginateRows } from '../../graphql/pagination';
import { BulkSend } from '../sending/bulk-send.entity';
import { Message } from '../sending/message.entity';
import { bulkEmailsWhere, messagesWhere } from './message-list.filter';
import type { BulkEmailsFilterInput, MessagesFilterInput } from './message-list.inputs';

/**
 * Lists messages in the caller's scope matching the filter, newest first, as plain rows (the scope
 * filter applies to the page, the count and the cursors). Scheduled messages are among them with
 * status SCHEDULED. Needs ACTIVITY_READ.
 */
export async function listMessages(ctx: Context, args: PageWindow, filter: MessagesFilterInput | null | undefined): Promise<Page<Row<Message>>> {
  requirePermission(ctx, Permission.ACTIVITY_READ);
  return paginateRows(ctx.em, Message, messagesWhere(filter), args, 'desc');
}

/** Lists the caller's bulk sends (an account-wide principal: the account's), newest first. Needs EMAIL_SEND. */
export async function listBulkEmails(ctx: Context, args: PageWindow, filter: BulkEmailsFilterInput | null | undefined): Promise<Page<Row<BulkSend>>> {
  requirePermission(ctx, Permission.EMAIL_SEND);
  return paginateRows(ctx.em, BulkSend, bulkEmailsWhere(filter), args, 'desc');
}

/**
 * The bulk send a message came from, batched per request through the scoped entity manager; null when
 * it was sent alone, when the caller lacks EMAIL_SEND, or when the bulk send is not the caller's to see.
 */
export function messageBulkEmail(ctx: Context, bulkId: string | null): Promise<BulkSend | null> {
  if (!bulkId || !scopeAllows(requireScope(ctx), Permission.EMAIL_SEND)) return Promise.resolve(null);
  return byIdLoader(ctx, BulkSend).load(bulkId);
}
