import { LockMode } from '@mikro-orm/core';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { ActivityEventType } from '../../events/event-type';
import { Message } from './message.entity';
import { MessageStatus } from './message.types';
import { deliverJobKey } from './send.service';
import type { CancelScheduledMessageInput } from './sending.inputs';
import { recordMessageEvents } from './message-life';
import { loadInScope } from '../../db/find-in-scope';
import { removeJob } from '../../jobs/queue';

/**
 * Cancels a SCHEDULED message in the caller's scope (EMAIL_SEND): in one transaction, with the
 * message row locked (so a delivery that is starting cannot slip past), sets CANCELLED, removes
 * its delivery job and records a CANCELLED event. NOT_FOUND outside the scope; BAD_USER_INPUT
 * when the message is not scheduled (any more).
 */
export async function cancelScheduledMessage(ctx: Context, input: CancelScheduledMessageInput): Promise<Message> {
  requirePermission(ctx, Permission.EMAIL_SEND);
  const id = fromGlobalId(input.id, 'Message', 'id');
  const now = ctx.deps.clock.now();
  return ctx.em.transactional(async (em) => {
    const message = await loadInScope(ctx, Message, 'Message', id, 'id', { em, lockMode: LockMode.PESSIMISTIC_WRITE });
    if (message.status !== MessageStatus.SCHEDULED) throw badInput('id', `Only a SCHEDULED message can be cancelled; this one is ${message.status}`);
    await removeJob(em, deliverJobKey(message.id));
    await recordMessageEvents(em, [{ message, type: ActivityEventType.CANCELLED, occurredAt: now }]);
    return message;
  });
}
