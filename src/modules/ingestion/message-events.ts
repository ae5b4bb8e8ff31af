import { ActivityEventType } from '../activity/activity-event.types';
import type { Message } from '../sending/message.entity';
import { MessageStatus } from '../sending/message.types';

const { SCHEDULED, QUEUED, SENT, DELIVERED, DEFERRED, SOFT_BOUNCED, HARD_BOUNCED } = MessageStatus;

/**
 * Which statuses a delivery outcome may replace. A late report never undoes a later one (a DEFERRED
 * after DELIVERED changes nothing), but a bounce after delivery does (an asynchronous DSN), and
 * nothing leaves HARD_BOUNCED, CANCELLED or RENDER_FAILED.
 */
const TRANSITIONS: Partial<Record<ActivityEventType, { to: MessageStatus; from: readonly MessageStatus[] }>> = {
  [ActivityEventType.SENT]: { to: SENT, from: [SCHEDULED, QUEUED, DEFERRED] },
  [ActivityEventType.DEFERRED]: { to: DEFERRED, from: [SCHEDULED, QUEUED, SENT, DEFERRED] },
  [ActivityEventType.DELIVERED]: { to: DELIVERED, from: [SCHEDULED, QUEUED, SENT, DEFERRED, SOFT_BOUNCED] },
  [ActivityEventType.SOFT_BOUNCED]: { to: SOFT_BOUNCED, from: [SCHEDULED, QUEUED, SENT, DEFERRED, DELIVERED, SOFT_BOUNCED] },
  [ActivityEventType.HARD_BOUNCED]: { to: HARD_BOUNCED, from: [SCHEDULED, QUEUED, SENT, DEFERRED, DELIVERED, SOFT_BOUNCED] },
};

/** The status a delivery event moves a message to, or null when it changes nothing. Pure. */
export function statusAfter(current: MessageStatus, type: ActivityEventType): MessageStatus | null {
  const t = TRANSITIONS[type];
  return t && t.from.includes(current) ? t.to : null;
}

/**
 * Applies a delivery outcome (SENT, DELIVERED, DEFERRED, SOFT_BOUNCED, HARD_BOUNCED) to the message
 * through its own state methods (`defer`, `finish`); engagement and complaint events change nothing.
 * A report without a reply keeps the last one. Returns whether the status changed. Mutates
 * `message` only (the caller flushes).
 */
export function applyDeliveryOutcome(message: Message, type: ActivityEventType, at: Date, response: string | null): boolean {
  const next = statusAfter(message.status, type);
  if (!next) return false;
  const reply = response ? response.slice(0, 2000) : message.lastResponse;
  if (next === DEFERRED) message.defer(reply ?? 'Deferred (no reply reported)');
  else message.finish(next, reply, at);
  return true;
}
