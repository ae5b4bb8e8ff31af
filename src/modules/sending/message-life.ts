import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventRow } from '../../events/event-row';
import type { ActivityEventType } from '../../events/event-type';
import { insertEvents } from '../../events/events.queries';
import type { Message } from './message.entity';
import { messageEvent } from './message-event';

/** One event in a message's life, as a writer reports it. */
export interface MessageEventInput {
  /** The message, loaded (and locked, where writers race) in `em`. */
  message: Message;
  type: ActivityEventType;
  occurredAt: Date;
  data?: Record<string, unknown>;
  /** The SMTP reply or failure reason it carries (kept as the message's last response when the status moves). */
  response?: string | null;
  /** Record the event only if it moved the status (an attempt's outcome after another outcome stands records nothing). */
  onlyIfMoved?: boolean;
}

/**
 * The one writer of a message's life — sending, cancelling, delivering, inbound reports, tracking and
 * `recordDeliveryEvents` all come here: applies each event to its message's status by the one table
 * (Message.applyEvent / STATUS_TRANSITIONS), in order, flushes the messages and writes the events in
 * one insert (one NOTIFY), as the last statements of `em`'s transaction. Returns the events written.
 */
export async function recordMessageEvents(em: EntityManager, inputs: readonly MessageEventInput[]): Promise<EventRow[]> {
  const events = [];
  for (const i of inputs) {
    const moved = i.message.applyEvent(i.type, i.occurredAt, i.response ?? null);
    if (i.onlyIfMoved && !moved) continue;
    events.push(messageEvent(i.message, i.type, i.data ?? {}, i.occurredAt));
  }
  await em.flush();
  return insertEvents(em, events);
}
