import { ActivityEventType } from '../../events/event-type';
import { MessageStatus } from './message.types';

const { SCHEDULED, QUEUED, SENT, DELIVERED, DEFERRED, SOFT_BOUNCED, HARD_BOUNCED, CANCELLED, RENDER_FAILED, SUPPRESSED } = MessageStatus;

/** Statuses in which a delivery attempt may still be made. */
export const DELIVERABLE: readonly MessageStatus[] = [SCHEDULED, QUEUED, DEFERRED];

/**
 * A message's life in one table: which event moves it to which status, from which statuses. A
 * message is born SCHEDULED or QUEUED (its QUEUED event changes nothing); opens, clicks,
 * unsubscribes and complaints never change the status. A late report never undoes a later one (a
 * DEFERRED after DELIVERED changes nothing), but a bounce after delivery does (an asynchronous DSN);
 * nothing leaves HARD_BOUNCED, CANCELLED, RENDER_FAILED or SUPPRESSED (a recipient on a suppression list
 * is never sent to: at accept time, or right before delivery when it was listed after).
 */
export const STATUS_TRANSITIONS: Readonly<Partial<Record<ActivityEventType, { to: MessageStatus; from: readonly MessageStatus[] }>>> = {
  [ActivityEventType.CANCELLED]: { to: CANCELLED, from: [SCHEDULED] },
  [ActivityEventType.RENDER_FAILED]: { to: RENDER_FAILED, from: DELIVERABLE },
  [ActivityEventType.SUPPRESSED]: { to: SUPPRESSED, from: DELIVERABLE },
  [ActivityEventType.SENT]: { to: SENT, from: [SCHEDULED, QUEUED, DEFERRED] },
  [ActivityEventType.DEFERRED]: { to: DEFERRED, from: [SCHEDULED, QUEUED, SENT, DEFERRED] },
  [ActivityEventType.DELIVERED]: { to: DELIVERED, from: [SCHEDULED, QUEUED, SENT, DEFERRED, SOFT_BOUNCED] },
  [ActivityEventType.SOFT_BOUNCED]: { to: SOFT_BOUNCED, from: [SCHEDULED, QUEUED, SENT, DEFERRED, DELIVERED, SOFT_BOUNCED] },
  [ActivityEventType.HARD_BOUNCED]: { to: HARD_BOUNCED, from: [SCHEDULED, QUEUED, SENT, DEFERRED, DELIVERED, SOFT_BOUNCED] },
};

/** The status an event moves a message to, or null when it changes nothing. Pure. */
export function statusAfter(current: MessageStatus, type: ActivityEventType): MessageStatus | null {
  const t = STATUS_TRANSITIONS[type];
  return t && t.from.includes(current) ? t.to : null;
}
