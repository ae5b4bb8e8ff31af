import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { badInput } from '../../graphql/errors';
import { BulkSend } from './bulk-send.entity';
import { claimIdempotencyKey, replayIdempotentBulk } from './idempotency';
import { storePrincipal, type StoredPrincipal } from './principal-refresh';
import { bulkRequestHash, idempotencyKeyOf } from './send-request';
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
 * Stores a bulk send of 1–500 requests (EMAIL_SEND), their attachments and the shared ones (once per content), its
 * idempotency record and its processing job in one transaction; the requests are validated one by one in the
 * background (see bulk.task.ts). Returns at once. The same idempotency key and body within 24 hours returns the
 * first call's bulk send (also when a concurrent call claimed the key first); another body is CONFLICT.
 */
export async function sendBulkEmail(ctx: Context, input: SendBulkEmailInput): Promise<BulkSend> {
  const scope = requirePermission(ctx, Permission.EMAIL_SEND);
  const principal = storePrincipal(ctx.principal)!;
  const count = input.requests.length;
  if (count < 1 || count > SEND_LIMITS.bulk) throw badInput('requests', `requests must have 1–${SEND_LIMITS.bulk} items`);
  const key = idempotencyKeyOf(input.idempotencyKey);
  // Files for every request: checked here (a bad one refuses the whole bulk send, nothing stored), stored once.
  const shared = parseAttachments(input.attachments as AttachmentSource[] | null | undefined, ctx.config.maxAttachmentBytes);
  const hash = key ? bulkRequestHash(input, shared) : null;
  const now = ctx.deps.clock.now();
  const prior = key ? await replayIdempotentBulk(ctx, scope, key, hash!, now) : null;
  if (prior) return prior;
  // Plain JSON: dates become ISO strings and are revived when the request is processed.
  const requests = JSON.parse(JSON.stringify(input.requests)) as unknown[];
  try {
    return await ctx.em.transactional(async (em) => {
      await storeBulkAttachments(em, scope.accountId, requests, ctx.config.maxAttachmentBytes, shared);
      const bulk = em.create(BulkSend, { account: scope.accountId, principalKey: scope.principalKey, total: count, requests });
      if (key) await claimIdempotencyKey(em, scope, key, hash!, { bulkSendId: bulk.id }, now);
      await em.flush();
      const payload: BulkJobPayload = { bulkId: bulk.id, principal };
      await ctx.deps.queue.add(em, BULK_TASK, payload, { jobKey: `bulk:${bulk.id}` });
      return bulk;
    });
  } catch (e) {
    const raced = key && isUniqueViolation(e) ? await replayIdempotentBulk(ctx, scope, key, hash!, now) : null;
    if (raced) return raced;
    throw e;
  }
}

/** A bulk send of the caller (or, for an account-wide principal, of the account) by global id; NOT_FOUND otherwise. */
export async function bulkEmailStatus(ctx: Context, gid: string): Promise<BulkSend> {
  requirePermission(ctx, Permission.EMAIL_SEND);
  return findInScope(ctx, BulkSend, 'BulkSend', gid);
}
