import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput } from '../../graphql/errors';
import type { Message } from '../sending/message.entity';
import { type AttachmentSource, type ParsedAttachment, parseAttachments, storedRefs } from './attachment-parse';
import { storeBlobs } from './attachment.queries';
import { MessageAttachment } from './message-attachment.entity';

/**
 * Stores the bytes of every attachment of a batch once per account and content, in the caller's
 * transaction; a referenced blob that is gone (removed as unused) is BAD_USER_INPUT naming `attachments` —
 * not expected, since a reference is used within a day of being stored. Writes.
 */
export async function storeAttachmentBlobs(em: EntityManager, accountId: string, attachments: readonly ParsedAttachment[]): Promise<void> {
  if (!attachments.length) return;
  const missing = await storeBlobs(em, accountId, attachments);
  if (missing.length) throw badInput('attachments', 'An attachment of this request is no longer stored: send the request again');
}

/** Creates the attachment rows of messages (one set per message, the message's owners copied), flushed with them. */
export function linkAttachments(em: EntityManager, messages: readonly Message[], attachments: readonly ParsedAttachment[]): void {
  for (const m of messages) {
    attachments.forEach((a, position) =>
      em.create(MessageAttachment, {
        account: m.account,
        message: m,
        tenant: m.tenant,
        domain: m.domain,
        senderIdentity: m.senderIdentity,
        position,
        filename: a.filename,
        contentType: a.contentType,
        disposition: a.disposition,
        contentId: a.contentId,
        size: a.size,
        blobSha256: a.sha256,
      }),
    );
  }
}

/**
 * Stores the attachments of bulk requests at submission (bytes once per content) and puts hash
 * references in their place in `requests` (plain JSON, changed in place), so the stored bulk send does
 * not keep a copy per request; the `shared` ones (checked already) are stored once and referenced after
 * each request's own. A request whose attachments fail the checks is left as it is: its error is reported
 * when it is processed, as any other. Writes, in the caller's transaction.
 */
export async function storeBulkAttachments(em: EntityManager, accountId: string, requests: unknown[], maxBytes: number, shared: readonly ParsedAttachment[] = []): Promise<void> {
  const parsed: ParsedAttachment[] = [...shared];
  const sharedRefs = storedRefs(shared);
  for (const r of requests as { attachments?: AttachmentSource[] | null }[]) {
    if (!r.attachments?.length) continue;
    try {
      const list = parseAttachments(r.attachments, maxBytes);
      parsed.push(...list);
      r.attachments = storedRefs(list);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
    }
  }
  if (sharedRefs.length) for (const r of requests as { attachments?: unknown[] | null }[]) r.attachments = [...(r.attachments ?? []), ...sharedRefs];
  await storeAttachmentBlobs(em, accountId, parsed);
}
