import { Permission } from '../../auth/permissions';
import { scopeAllows } from '../../auth/scope';
import { type Context, requireScope } from '../../context';
import type { Row } from '../../db/read-rows';
import { ActivityEventType } from '../../events/event-type';
import { toGlobalId } from '../../graphql/global-id';
import { byIdLoader } from '../../graphql/loaders';
import { messageContent } from '../activity/activity.service';
import { Domain } from '../domains/domain.entity';
import type { Message } from '../sending/message.entity';
import { MessageStatus } from '../sending/message.types';

type MessageRow = Row<Message> | Message;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** MailerSend's `event` names (and ours, lower-cased) → our event types. */
export const EVENT_NAMES: Readonly<Record<string, ActivityEventType>> = {
  ...Object.fromEntries(Object.values(ActivityEventType).map((t) => [t.toLowerCase(), t])),
  spam_complaints: ActivityEventType.SPAM_COMPLAINT,
};

/** An event type as MailerSend names it in activity (`delivered`, `soft_bounced`, `spam_complaint`…). Pure. */
export function eventName(type: ActivityEventType): string {
  return type.toLowerCase();
}

/** The message-schedule states MailerSend knows, with the statuses of ours each covers (CANCELLED: none, a deleted schedule is gone). */
export const SCHEDULE_STATES: Readonly<Record<'scheduled' | 'sent' | 'error', MessageStatus[]>> = {
  scheduled: [MessageStatus.SCHEDULED],
  sent: [MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.DEFERRED, MessageStatus.SOFT_BOUNCED, MessageStatus.HARD_BOUNCED],
  error: [MessageStatus.RENDER_FAILED, MessageStatus.SUPPRESSED],
};

/** A scheduled message's MailerSend state; null for a cancelled one. Pure. */
export function scheduleState(status: MessageStatus): 'scheduled' | 'sent' | 'error' | null {
  for (const [state, statuses] of Object.entries(SCHEDULE_STATES)) if (statuses.includes(status)) return state as 'scheduled' | 'sent' | 'error';
  return null;
}

/** The bodies of a message when the caller holds ACTIVITY_CONTENT_READ (batched per request), else nulls. */
async function content(ctx: Context, id: string): Promise<{ html: string | null; text: string | null }> {
  if (!scopeAllows(requireScope(ctx), Permission.ACTIVITY_CONTENT_READ)) return { html: null, text: null };
  const c = await messageContent(ctx, id);
  return { html: c?.html ?? null, text: c?.text ?? null };
}

/** One of our messages as MailerSend's `email` object (one recipient each); bodies only with ACTIVITY_CONTENT_READ. */
export async function emailShape(ctx: Context, m: MessageRow): Promise<Record<string, unknown>> {
  const { html, text } = await content(ctx, m.id);
  return {
    id: toGlobalId('Message', m.id),
    from: m.fromEmail,
    subject: m.subject,
    text,
    html,
    status: m.status.toLowerCase(),
    tags: m.tags,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    recipient: { id: null, email: m.recipient, created_at: iso(m.createdAt), updated_at: iso(m.updatedAt), deleted_at: null },
  };
}

/** The sending domain as MailerSend shows it in a message; null when it is not in the caller's scope (an agency domain seen by an identity client). */
async function domainShape(ctx: Context, domainId: string): Promise<Record<string, unknown> | null> {
  const d = await byIdLoader(ctx, Domain).load(domainId);
  return d ? { id: toGlobalId('Domain', d.id), name: d.name, created_at: iso(d.createdAt), updated_at: iso(d.updatedAt) } : null;
}

/** A message in `GET /v1/messages`. */
export function messageListItem(m: MessageRow): Record<string, unknown> {
  return { id: toGlobalId('Message', m.id), created_at: iso(m.createdAt), updated_at: iso(m.updatedAt) };
}

/** A message in `GET /v1/messages/{id}`: its one email and its domain. */
export async function messageShape(ctx: Context, m: MessageRow): Promise<Record<string, unknown>> {
  return { ...messageListItem(m), emails: [await emailShape(ctx, m)], domain: await domainShape(ctx, m.domain.id) };
}

/** A scheduled message in `GET /v1/message-schedules`. */
export function scheduleListItem(m: MessageRow): Record<string, unknown> {
  const state = scheduleState(m.status);
  return {
    message_id: toGlobalId('Message', m.id),
    subject: m.subject,
    send_at: iso(m.sendAt),
    status: state,
    status_message: state === 'error' ? (m.lastResponse ?? m.status) : null,
    created_at: iso(m.createdAt),
  };
}

/** A scheduled message in `GET /v1/message-schedules/{id}`: with its domain and message. */
export async function scheduleShape(ctx: Context, m: MessageRow): Promise<Record<string, unknown>> {
  return { ...scheduleListItem(m), domain: await domainShape(ctx, m.domain.id), message: messageListItem(m) };
}
