import type { Message } from './message.entity';
import type { ActivityEventType } from '../../events/event-type';
import type { NewEvent } from '../../events/event-row';

/** A new event of `message`, with its account, tenant, domain, sender identity, template, recipient and tags copied from it. Pure. */
export function messageEvent(message: Message, type: ActivityEventType, data: Record<string, unknown>, occurredAt?: Date): NewEvent {
  return {
    type,
    occurredAt,
    accountId: message.account.id,
    messageId: message.id,
    tenantId: message.tenant?.id ?? null,
    domainId: message.domain.id,
    senderIdentityId: message.senderIdentity?.id ?? null,
    templateId: message.templateId,
    recipient: message.recipient,
    tags: [...message.tags],
    data,
  };
}
