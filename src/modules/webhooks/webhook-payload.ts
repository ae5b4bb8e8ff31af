import type { EventRow } from '../../events/event-row';
import { PLATFORM_EVENTS } from '../../events/platform-event-type';
import { isPlatformEvent, type PlatformEventRow, type StreamEvent } from '../../events/platform-events.queries';
import { toGlobalId, toSealedGlobalId } from '../../graphql/global-id';
import type { Message } from '../sending/message.entity';
import { TEST_EVENT_NAME, webhookEventTypeOf, wireName } from './webhook-event-type';

const gid = (type: string, id: string | null) => (id ? toGlobalId(type, id) : null);

/** The message as a payload shows it: addressing, subject, tags, status and scope ids — never its content. */
function messageData(m: Message) {
  return {
    id: m.gid,
    from: { email: m.fromEmail, name: m.fromName },
    recipient: m.recipient,
    subject: m.subject,
    tags: [...m.tags],
    status: m.status,
    domainId: gid('Domain', m.domain.id),
    tenantId: gid('Tenant', m.tenant?.id ?? null),
    senderIdentityId: gid('SenderIdentity', m.senderIdentity?.id ?? null),
    createdAt: m.createdAt.toISOString(),
  };
}

function activityData(secret: Buffer, e: EventRow, message: Message | null) {
  return {
    event: { id: toSealedGlobalId(secret, 'ActivityEvent', e.accountId, e.id), type: e.type, occurredAt: e.occurredAt.toISOString(), details: e.data },
    message: message ? messageData(message) : null,
  };
}

/** `domain`, `senderIdentity`, `bulkSend`… from the subject's GraphQL type name. */
function subjectKey(type: string): string {
  return type.charAt(0).toLowerCase() + type.slice(1);
}

function platformData(e: PlatformEventRow) {
  const subject = PLATFORM_EVENTS[e.type].subject;
  return {
    [subjectKey(subject)]: { id: toGlobalId(subject, e.subjectId), ...e.data },
    tenantId: gid('Tenant', e.tenantId),
    domainId: gid('Domain', e.domainId),
    senderIdentityId: gid('SenderIdentity', e.senderIdentityId),
  };
}

/**
 * The JSON body of an event's delivery: `{ type, timestamp, data }` — for activity events the event
 * (sealed id, type, time, details) and its message (see messageData); for platform events the object
 * it is about with the event's data. Everything in it belongs to the event's own account and scope. Pure.
 */
export function eventBody(secret: Buffer, e: StreamEvent, message: Message | null): string {
  const data = isPlatformEvent(e) ? platformData(e) : activityData(secret, e, message);
  return JSON.stringify({ type: wireName(webhookEventTypeOf(e)), timestamp: e.occurredAt.toISOString(), data });
}

/** The body of a test ping. Pure. */
export function testBody(webhookGid: string, now: Date): string {
  return JSON.stringify({ type: TEST_EVENT_NAME, timestamp: now.toISOString(), data: { webhookId: webhookGid, message: 'This is a test event from Mailroom.' } });
}
