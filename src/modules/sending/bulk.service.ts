import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { BulkSend } from './bulk-send.entity';
import { storePrincipal, type StoredPrincipal } from './principal-refresh';
import { SEND_LIMITS, type SendBulkEmailInput } from './sending.inputs';
import { findInScope } from '../../db/find-in-scope';
import { storeBulkAttachments } from '../attachments/attachment-store';
import { type AttachmentSource, parseAttachments } from '../attachments/attachment-parse';

/** The graphile-worker task that works through a bulk send. */
export const BULK_TASK = 'process-bulk-send';

/** Payload of the bulk task: the bulk send and who submitted it. */
export interface BulkJobPayload {
  bulkId: string;
  principal: StoredPrincipal;
}

/**
 * Stores a bulk send of 1–500 requests (EMAIL_SEND), their attachments and the shared ones (once per content) and its processing job in one transaction;
 * the requests are validated one by one in the background (see bulk.task.ts). Returns at once.
 */
export async function sendBulkEmail(ctx: Context, input: SendBulkEmailInput): Promise<BulkSend> {
  const scope = requirePermission(ctx, Permission.EMAIL_SEND);
  const principal = storePrincipal(ctx.principal)!;
  const count = input.requests.length;
  if (count < 1 || count > SEND_LIMITS.bulk) throw badInput('requests', `requests must have 1–${SEND_LIMITS.bulk} items`);
  // Plain JSON: dates become ISO strings and are revived when the request is processed.
  const requests = JSON.parse(JSON.stringify(input.requests)) as unknown[];
  // Files for every request: checked here (a bad one refuses the whole bulk send, nothing stored), stored once.
  const shared = parseAttachments(input.attachments as AttachmentSource[] | null | undefined, ctx.config.maxAttachmentBytes);
  return ctx.em.transactional(async (em) => {
    await storeBulkAttachments(em, scope.accountId, requests, ctx.config.maxAttachmentBytes, shared);
    const bulk = em.create(BulkSend, { account: scope.accountId, principalKey: scope.principalKey, total: count, requests });
    await em.flush();
    const payload: BulkJobPayload = { bulkId: bulk.id, principal };
    await ctx.deps.queue.add(em, BULK_TASK, payload, { jobKey: `bulk:${bulk.id}` });
    return bulk;
  });
}

/** A bulk send of the caller (or, for an account-wide principal, of the account) by global id; NOT_FOUND otherwise. */
export async function bulkEmailStatus(ctx: Context, gid: string): Promise<BulkSend> {
  requirePermission(ctx, Permission.EMAIL_SEND);
  return findInScope(ctx, BulkSend, 'BulkSend', gid);
}
