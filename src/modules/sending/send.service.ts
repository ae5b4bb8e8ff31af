import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { pushTo } from '../../lib/collections';
import type { ParsedAttachment } from '../attachments/attachment-parse';
import { linkAttachments, storeAttachmentBlobs } from '../attachments/attachment-store';
import { ActivityEventType } from '../../events/event-type';
import { claimIdempotencyKey, replayIdempotent } from './idempotency';
import { Message } from './message.entity';
import { MessageStatus } from './message.types';
import { newSendMemo, type PreparedSend, prepareSend } from './send-prepare';
import { recipientsOf } from './send-request';
import type { SendEmailInput } from './sending.inputs';
import { recordMessageEvents } from './message-life';
import { suppressedEventData, suppressionsFor } from './suppression-check';

/** The graphile-worker task that delivers one message. */
export const DELIVER_TASK = 'deliver-message';

/** The job key of a message's delivery job (one pending delivery per message). */
export function deliverJobKey(messageId: string): string {
  return `deliver:${messageId}`;
}

function buildMessages(em: EntityManager, p: PreparedSend, bulkId: string | null): Message[] {
  const { req, from, replyTo, source, template, content } = p;
  const tags = [...new Set([...req.tags, ...(template?.tags ?? [])])];
  const addressing = { to: req.to, cc: req.cc };
  return recipientsOf(req).map((r) =>
    em.create(Message, {
      account: p.scope.accountId,
      tenant: source.tenantId,
      domain: source.domain.id,
      senderIdentity: source.identity?.id ?? null,
      templateId: template?.id ?? null,
      bulkId,
      fromEmail: from.email,
      fromName: from.name ?? source.identity?.name ?? null,
      replyToEmail: replyTo?.email ?? null,
      replyToName: replyTo?.name ?? null,
      recipient: r.email,
      recipientName: r.name,
      recipientKind: r.kind,
      addressing,
      subject: content.subject,
      html: content.renderLater ? null : content.html,
      text: content.renderLater ? null : content.text,
      variables: content.renderLater ? (req.variables ?? {}) : null,
      headers: req.headers,
      tags,
      status: req.sendAt ? MessageStatus.SCHEDULED : MessageStatus.QUEUED,
      sendAt: req.sendAt,
      verpToken: randomBytes(16).toString('hex'),
    }),
  );
}

/** Stores the attachment bytes of a batch once per account and content, and links them to each message of their request. */
async function storeBatchAttachments(em: EntityManager, items: readonly PreparedSend[], groups: readonly Message[][]): Promise<void> {
  const byAccount = new Map<string, ParsedAttachment[]>();
  items.forEach((p, i) => {
    if (!p.attachments.length) return;
    for (const a of p.attachments) pushTo(byAccount, p.scope.accountId, a);
    linkAttachments(em, groups[i], p.attachments);
  });
  for (const [accountId, list] of byAccount) await storeAttachmentBlobs(em, accountId, list);
}

/**
 * Writes prepared requests inside the caller's transaction `em`: one message per recipient, the
 * idempotency records, the attachments (bytes once per content, a row per message), one delivery job per message (run at sendAt when scheduled) and — last, as
 * recordMessageEvents asks — the QUEUED events. A recipient suppressed on the sending domain (one query
 * per sending origin for the whole batch) gets its message SUPPRESSED with a SUPPRESSED event instead,
 * and no delivery job. Returns the messages of each request, in order.
 */
export async function commitSends(ctx: Context, em: EntityManager, items: readonly PreparedSend[], bulkId: string | null = null): Promise<Message[][]> {
  const now = ctx.deps.clock.now();
  const groups = items.map((p) => buildMessages(em, p, bulkId));
  await storeBatchAttachments(em, items, groups);
  for (const [i, p] of items.entries()) {
    if (p.key) await claimIdempotencyKey(em, p.scope, p.key, p.hash!, { messageIds: groups[i].map((m) => m.id) }, now);
  }
  await em.flush();
  const all = groups.flat();
  const suppressed = await suppressionsFor(
    em,
    all.map((m) => ({ message: m, accountId: m.account.id, domainId: m.domain.id, senderIdentityId: m.senderIdentity?.id ?? null, recipient: m.recipient })),
  );
  const entryOf = new Map([...suppressed].map(([t, entry]) => [t.message, entry]));
  // One statement for every delivery job of the batch (new messages: their job keys are new).
  await ctx.deps.queue.addMany(
    em,
    all.filter((m) => !entryOf.has(m)).map((m) => ({ task: DELIVER_TASK, payload: { messageId: m.id }, opts: { runAt: m.sendAt ?? undefined, jobKey: deliverJobKey(m.id) } })),
  );
  await recordMessageEvents(
    em,
    all.map((m) => {
      const entry = entryOf.get(m);
      if (entry) return { message: m, type: ActivityEventType.SUPPRESSED, occurredAt: now, data: suppressedEventData(entry) };
      return { message: m, type: ActivityEventType.QUEUED, occurredAt: now, data: m.sendAt ? { sendAt: m.sendAt.toISOString() } : {} };
    }),
  );
  return groups;
}

/**
 * Writes one prepared request in a transaction of its own; a concurrent request that claimed the
 * same idempotency key first makes this one its replay (or CONFLICT).
 */
export async function commitOne(ctx: Context, p: PreparedSend, bulkId: string | null = null): Promise<Message[]> {
  try {
    const [messages] = await ctx.em.transactional((em) => commitSends(ctx, em, [p], bulkId));
    return messages;
  } catch (e) {
    if (p.key && isUniqueViolation(e)) {
      const prior = await replayIdempotent(ctx, p.scope, p.key, p.hash!, ctx.deps.clock.now());
      if (prior) return prior;
    }
    throw e;
  }
}

/**
 * Accepts a send request (EMAIL_SEND): validates it, checks the sender against the caller's scope,
 * renders the template, and in ONE transaction writes one message per recipient, the idempotency
 * record, one delivery job per message and the QUEUED events. Never touches the network.
 * Same idempotency key and body within 24 hours returns the first call's messages (also when a concurrent call
 * claimed the key first); another body is CONFLICT. The one-request case of sendEmails.
 */
export async function sendEmail(ctx: Context, input: SendEmailInput): Promise<Message[]> {
  const [messages] = await sendEmails(ctx, [input]);
  return messages;
}

/**
 * Accepts several send requests all or nothing (EMAIL_SEND): every one is checked first (as sendEmail
 * checks it; the first refusal is thrown and nothing is written), then the new ones are written in ONE
 * transaction. A request repeating an idempotency key gets the first call's messages; when a concurrent
 * call claimed one of the keys meanwhile, the whole is checked again once (that one is then a replay).
 * Returns the messages of each request, in order. Never touches the network.
 */
export async function sendEmails(ctx: Context, inputs: readonly SendEmailInput[], retried = false): Promise<Message[][]> {
  const memo = newSendMemo();
  const checked: Awaited<ReturnType<typeof prepareSend>>[] = [];
  for (const input of inputs) checked.push(await prepareSend(ctx, input, memo));
  const fresh = checked.flatMap((c) => ('prepared' in c ? [c.prepared] : []));
  let written: Message[][] = [];
  try {
    if (fresh.length) written = await ctx.em.transactional((em) => commitSends(ctx, em, fresh));
  } catch (e) {
    if (!retried && fresh.some((p) => p.key) && isUniqueViolation(e)) return sendEmails(ctx, inputs, true);
    throw e;
  }
  let next = 0;
  return checked.map((c) => ('replay' in c ? c.replay : written[next++]));
}
