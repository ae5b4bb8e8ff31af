import { Permission } from '../../auth/permissions';
import { rowScope } from '../../auth/scope';
import { type Context, requirePermission } from '../../context';
import { pushTo } from '../../lib/collections';
import { attachmentContents } from './attachment.queries';
import { MessageAttachment } from './message-attachment.entity';

/** The attachments of messages, in order, batched per request through the scoped entity manager (none for a message outside the scope). Needs ACTIVITY_READ. */
export function messageAttachments(ctx: Context, messageId: string): Promise<MessageAttachment[]> {
  requirePermission(ctx, Permission.ACTIVITY_READ);
  return ctx
    .loader<string, MessageAttachment[]>('message-attachments', async (ids) => {
      const rows = await ctx.em.find(MessageAttachment, { message: { $in: [...ids] } }, { orderBy: { message: 'asc', position: 'asc' } });
      const groups = new Map<string, MessageAttachment[]>();
      for (const r of rows) pushTo(groups, r.message.id, r);
      return ids.map((id) => groups.get(id) ?? []);
    })
    .load(messageId);
}

/** The bytes of an attachment, base64-encoded, batched per request; null when its scope does not reach it. Needs ACTIVITY_CONTENT_READ. */
export function attachmentContent(ctx: Context, attachmentId: string): Promise<string | null> {
  const scope = requirePermission(ctx, Permission.ACTIVITY_CONTENT_READ);
  return ctx
    .loader<string, string | null>('attachment-content', async (ids) => {
      const bytes = await attachmentContents(ctx.em, rowScope(scope), ids);
      return ids.map((id) => bytes.get(id)?.toString('base64') ?? null);
    })
    .load(attachmentId);
}
