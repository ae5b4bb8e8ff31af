import { LockMode } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { systemEm } from '../../context';
import type { ActivityEventType } from '../../events/event-type';
import { Message } from '../sending/message.entity';
import { type InboundReport, reportEvent } from './parse-report';
import { parseVerpAddress, returnPathHost } from './verp';
import { recordMessageEvents } from '../sending/message-life';

/**
 * The message a VERP address belongs to: its token must be a message's and its host that message's
 * domain's return-path host. Null for every other address (unknown, or another domain's host).
 * Read-only, across accounts (the token is the proof).
 */
export async function findMessageByVerpAddress(orm: MikroORM, address: string): Promise<Message | null> {
  const verp = parseVerpAddress(address);
  if (!verp) return null;
  const message = await systemEm(orm).findOne(Message, { verpToken: verp.token }, { populate: ['domain'] });
  if (!message) return null;
  return returnPathHost(message.domain.getEntity()) === verp.host ? message : null;
}

/**
 * Records what an inbound report says about one message: HARD_BOUNCED/SOFT_BOUNCED (and the
 * message's status) for a DSN, SPAM_COMPLAINT for an ARF report. Returns the event type, or null
 * when the report records nothing (a success DSN, a not-spam report). Side effects: locks and
 * updates the message, writes one event (one NOTIFY), in one transaction.
 */
export async function recordInboundReport(orm: MikroORM, messageId: string, report: InboundReport, at: Date): Promise<ActivityEventType | null> {
  return systemEm(orm).transactional(async (em) => {
    const message = await em.findOne(Message, { id: messageId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!message) return null;
    const event = reportEvent(report, message.recipient);
    if (!event) return null;
    await recordMessageEvents(em, [{ message, type: event.type, occurredAt: at, data: event.data, response: event.response }]);
    return event.type;
  });
}
