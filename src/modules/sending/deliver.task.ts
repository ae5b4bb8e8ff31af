import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import { ActivityEventType } from '../../events/event-type';
import { attachmentsForDelivery } from '../attachments/attachment.queries';
import { Template } from '../templates/template.entity';
import type { TaskDeps } from '../module';
import { type DeliveryRow, loadDeliverable, markAttempt } from './delivery.queries';
import { Message } from './message.entity';
import { recordMessageEvents } from './message-life';
import { DELIVERABLE } from './message-status';
import { suppressedEventData, suppressionsFor } from './suppression-check';
import { type BuiltMessage, buildMime, verpAddress } from './mime';
import type { Outbound, SmtpOutcome } from './outbound';
import { RenderError, renderContent } from './render';
import { nextRetryAt } from './retry';
import { DELIVER_TASK, deliverJobKey } from './send.service';
import type { SigningKeys } from './signing-keys';

/** Payload of the delivery job. */
export interface DeliverPayload {
  messageId: string;
}

/** What the delivery job is built with. */
export interface DeliveryDeps {
  td: TaskDeps;
  outbound: Outbound;
  keys: SigningKeys;
}

/**
 * The message, locked for this transaction, while it is still deliverable; null when another run of
 * its job (a re-run after a crash) or a cancellation committed an outcome first — that one stands.
 */
async function lockDeliverable(em: EntityManager, id: string): Promise<Message | null> {
  const message = await em.findOne(Message, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  return message && DELIVERABLE.includes(message.status) ? message : null;
}

/**
 * Checks the recipient against the sending domain's suppression lists once more right before the
 * attempt (it may have been listed after the message was accepted): a listed recipient ends the
 * message SUPPRESSED with its event, and nothing is sent. Returns whether it did.
 */
async function suppressIfListed(d: DeliveryDeps, row: DeliveryRow): Promise<boolean> {
  const [entry] = [...(await suppressionsFor(systemEm(d.td.orm), [row])).values()];
  if (!entry) return false;
  await systemEm(d.td.orm).transactional(async (em) => {
    const message = await lockDeliverable(em, row.id);
    if (message) await recordMessageEvents(em, [{ message, type: ActivityEventType.SUPPRESSED, occurredAt: d.td.deps.clock.now(), data: suppressedEventData(entry) }]);
  });
  d.td.deps.metrics.delivery(ActivityEventType.SUPPRESSED);
  return true;
}

/** Renders a message whose template was kept for when it came due; returns the failure reason, or null. */
async function renderDue(td: TaskDeps, em: EntityManager, m: DeliveryRow): Promise<{ rendered: boolean; failure: string | null }> {
  if (!m.templateId || m.html !== null || m.text !== null) return { rendered: false, failure: null };
  const template = await em.findOne(Template, { id: m.templateId });
  if (!template) return { rendered: false, failure: 'The template was deleted before the message was due' };
  try {
    const parts = { subject: template.subject, html: template.html, text: template.text };
    Object.assign(m, await renderContent(td.deps.renderer, parts, m.variables ?? {}, { timeoutMs: td.config.renderTimeoutMs }));
    return { rendered: true, failure: null };
  } catch (e) {
    if (e instanceof RenderError) return { rendered: false, failure: e.message };
    throw e;
  }
}

/** Ends a message whose template could not be rendered when it came due: RENDER_FAILED and its event, in one transaction. */
async function failRender(d: DeliveryDeps, row: DeliveryRow, reason: string): Promise<void> {
  await systemEm(d.td.orm).transactional(async (em) => {
    const now = d.td.deps.clock.now();
    const message = await lockDeliverable(em, row.id);
    if (message) await recordMessageEvents(em, [{ message, type: ActivityEventType.RENDER_FAILED, occurredAt: now, data: { reason }, response: reason }]);
  });
  d.td.deps.metrics.delivery(ActivityEventType.RENDER_FAILED);
}

/**
 * Prepares and marks an attempt before any byte is sent: skips a message that is no longer
 * deliverable (already final or cancelled — a job re-run after a crash never sends again), renders
 * a due template (RENDER_FAILED when it fails), builds and signs the MIME on the first attempt (on every
 * attempt when it has attachments), and commits the attempt with the built content in one statement.
 * Returns what to send, or null.
 */
async function beginAttempt(d: DeliveryDeps, id: string): Promise<{ row: DeliveryRow; built: BuiltMessage } | null> {
  const em = systemEm(d.td.orm);
  const row = await loadDeliverable(em, id);
  if (!row) return null;
  if (await suppressIfListed(d, row)) return null;
  const { rendered, failure } = await renderDue(d.td, em, row);
  if (failure) {
    await failRender(d, row, failure);
    return null;
  }
  const key = await d.keys.get(em, row.domainId);
  const reuse = row.raw !== null && row.messageIdHeader !== null;
  // With attachments the signed MIME is not kept (their bytes are stored once, not once per message): each attempt builds it again, same Message-ID.
  const attachments = reuse ? [] : await attachmentsForDelivery(em, id);
  const built = reuse
    ? { raw: row.raw!, messageIdHeader: row.messageIdHeader!, envelope: { from: verpAddress(row, key.domain), to: row.recipient } }
    : await buildMime({ ...row, attachments }, { domain: key.domain, dkimPrivateKeyPem: key.pem, publicUrl: d.td.config.publicUrl, secret: d.td.config.secret, now: d.td.deps.clock.now() });
  const kept = attachments.length ? null : built.raw;
  const attempt = await markAttempt(em, id, reuse ? null : { subject: row.subject, html: row.html, text: row.text, raw: kept, messageIdHeader: built.messageIdHeader, rendered });
  if (attempt === null) return null;
  return { row: { ...row, attempts: attempt }, built };
}

/**
 * Records how the hand-over ended, in one transaction: 2xx → DELIVERED (direct) or SENT (relay,
 * sandbox); 5xx → HARD_BOUNCED with the reply; 4xx or no connection → DEFERRED and a new job at
 * the next retry time, or SOFT_BOUNCED once the retry window (from sendAt or acceptance) is over.
 */
async function recordOutcome(d: DeliveryDeps, row: DeliveryRow, outcome: SmtpOutcome): Promise<void> {
  const { config, deps } = d.td;
  const recorded = await systemEm(d.td.orm).transactional(async (em): Promise<ActivityEventType | null> => {
    const now = deps.clock.now();
    const data: Record<string, unknown> = { response: outcome.response, attempt: row.attempts, ...(outcome.host ? { host: outcome.host } : {}) };
    let type: ActivityEventType;
    let retryAt: Date | null = null;
    if (outcome.kind === 'accepted') {
      type = config.deliveryMode === 'direct' ? ActivityEventType.DELIVERED : ActivityEventType.SENT;
      if (config.deliveryMode === 'sandbox') data.sandbox = true;
    } else if (outcome.kind === 'permanent') {
      type = ActivityEventType.HARD_BOUNCED;
    } else {
      retryAt = nextRetryAt(row.attempts, row.sendAt ?? row.createdAt, now, config.deliveryRetryBaseSeconds, config.deliveryRetryWindowHours);
      type = retryAt ? ActivityEventType.DEFERRED : ActivityEventType.SOFT_BOUNCED;
      if (retryAt) data.retryAt = retryAt.toISOString();
    }
    const message = await lockDeliverable(em, row.id);
    if (!message) return null;
    if (retryAt) await deps.queue.add(em, DELIVER_TASK, { messageId: row.id }, { runAt: retryAt, jobKey: deliverJobKey(row.id) });
    await recordMessageEvents(em, [{ message, type, occurredAt: now, data, response: outcome.response }]);
    return type;
  });
  if (recorded) deps.metrics.delivery(recorded);
}

/**
 * The `deliver-message` job: begin the attempt (committed before any byte is sent), hand the
 * message to the outbound path, record the outcome. A crash between the hand-over and the record
 * can send a message twice — at most the jobs in flight, bounded by the worker's concurrency.
 * Side effects: database writes, SMTP (per DELIVERY_MODE), events.
 */
export async function runDelivery(d: DeliveryDeps, payload: unknown): Promise<void> {
  const id = (payload as Partial<DeliverPayload> | null)?.messageId;
  if (typeof id !== 'string' || !isUuid(id)) return;
  const attempt = await beginAttempt(d, id);
  if (!attempt) return;
  const outcome = await d.outbound.send(attempt.built.envelope, attempt.built.raw);
  await recordOutcome(d, attempt.row, outcome);
}
