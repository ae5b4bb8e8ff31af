import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { badInput, notFound } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { Message } from '../sending/message.entity';
import { claimEventIds } from './ingestion.queries';
import type { DeliveryEventInput, RecordDeliveryEventsInput } from './ingestion.inputs';
import { toActivityEventType } from './ingestion.types';
import { type MessageEventInput, recordMessageEvents } from '../sending/message-life';

const MAX_PAST_MS = 30 * 24 * 3600_000;
const MAX_FUTURE_MS = 15 * 60_000;
const MAX_DATA_BYTES = 2048;

/** A checked event: its message's uuid and its index in the input (for error fields). */
interface Checked {
  index: number;
  input: DeliveryEventInput;
  messageUuid: string;
}

/** Checks what class-validator cannot (ids, time window, data size); throws BAD_USER_INPUT naming `events[i].<field>`. */
function checkEvents(events: readonly DeliveryEventInput[], now: Date): Checked[] {
  return events.map((input, index) => {
    const field = (name: string) => `events[${index}].${name}`;
    const messageUuid = fromGlobalId(input.messageId, 'Message', field('messageId'));
    const at = input.occurredAt.getTime();
    if (!Number.isFinite(at) || at < now.getTime() - MAX_PAST_MS || at > now.getTime() + MAX_FUTURE_MS) {
      throw badInput(field('occurredAt'), `${field('occurredAt')} must be within the last 30 days and not more than 15 minutes ahead`);
    }
    if (input.data && Buffer.byteLength(JSON.stringify(input.data)) > MAX_DATA_BYTES) {
      throw badInput(field('data'), `${field('data')} must be a JSON object of at most ${MAX_DATA_BYTES} bytes`);
    }
    return { index, input, messageUuid };
  });
}

/** Loads and locks every reported message through the caller's scoped entity manager, in one query; NOT_FOUND names the first one out of scope. */
async function loadMessages(em: EntityManager, checked: readonly Checked[]): Promise<Map<string, Message>> {
  const ids = [...new Set(checked.map((c) => c.messageUuid))];
  const found = await em.find(Message, { id: { $in: ids } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
  const byId = new Map(found.map((m) => [m.id, m]));
  const missing = checked.find((c) => !byId.has(c.messageUuid));
  // The same answer whether the message does not exist or belongs to another client.
  if (missing) throw notFound('Message', `events[${missing.index}].messageId`);
  return byId;
}

/**
 * Records events an outside MTA reports for messages it relayed. Needs EMAIL_SEND; every message
 * must be in the caller's scope, or nothing is recorded. Idempotent by eventId per message. Delivery
 * outcomes update the message's status (in time order). Side effects: one transaction that claims
 * the event ids, updates messages and writes the new events in one insert (one NOTIFY).
 */
export async function recordDeliveryEvents(ctx: Context, input: RecordDeliveryEventsInput): Promise<{ recorded: number; duplicates: number }> {
  const scope = requirePermission(ctx, Permission.EMAIL_SEND);
  const checked = checkEvents(input.events, ctx.deps.clock.now());
  // The transaction's fork keeps the scope filter of ctx.em, so every message is loaded in scope.
  return ctx.em.transactional(async (tx) => {
    const messages = await loadMessages(tx, checked);
    // Ids are claimed per message, so one client can neither see nor pre-empt another's event ids.
    const key = (c: (typeof checked)[number]) => `${c.messageUuid}:${c.input.eventId}`;
    const claimed = await claimEventIds(tx, scope.accountId, checked.map(key));
    // The first occurrence of a new id is recorded; repeats within the call count as duplicates.
    const fresh = checked.filter((c) => claimed.delete(key(c)));
    fresh.sort((a, b) => a.input.occurredAt.getTime() - b.input.occurredAt.getTime() || a.index - b.index);
    const events: MessageEventInput[] = fresh.map(({ input, messageUuid }) => ({
      message: messages.get(messageUuid)!,
      type: toActivityEventType(input.type),
      occurredAt: input.occurredAt,
      response: input.smtpResponse ?? null,
      data: { source: 'api', eventId: input.eventId, ...(input.smtpResponse ? { smtpResponse: input.smtpResponse } : {}), ...(input.data ? { details: input.data } : {}) },
    }));
    await recordMessageEvents(tx, events);
    return { recorded: events.length, duplicates: checked.length - events.length };
  });
}
