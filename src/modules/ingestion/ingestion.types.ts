import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ActivityEventType } from '../../events/event-type';

/** The events an outside MTA may report for a message it relayed. */
export enum DeliveryEventType {
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  DEFERRED = 'DEFERRED',
  SOFT_BOUNCED = 'SOFT_BOUNCED',
  HARD_BOUNCED = 'HARD_BOUNCED',
  SPAM_COMPLAINT = 'SPAM_COMPLAINT',
  UNSUBSCRIBED = 'UNSUBSCRIBED',
}
registerEnumType(DeliveryEventType, {
  name: 'DeliveryEventType',
  description: 'An event an outside MTA reports for a message it relayed.',
  valuesConfig: {
    SENT: { description: 'Handed on to the next server.' },
    DELIVERED: { description: 'Accepted by the recipient’s server.' },
    DEFERRED: { description: 'Refused for now (4xx); will be retried.' },
    SOFT_BOUNCED: { description: 'Given up after temporary failures.' },
    HARD_BOUNCED: { description: 'Refused for good (5xx).' },
    SPAM_COMPLAINT: { description: 'The recipient reported the message as spam.' },
    UNSUBSCRIBED: { description: 'The recipient unsubscribed.' },
  },
});

/** The activity event type a reported delivery event is stored as. */
export function toActivityEventType(type: DeliveryEventType): ActivityEventType {
  return ActivityEventType[type];
}

/** Payload of recordDeliveryEvents. */
@ObjectType({ description: 'How many reported events were new and how many had been recorded before.' })
export class RecordDeliveryEventsPayload {
  @Field(() => Int, { description: 'Events recorded by this call.' })
  recorded!: number;

  @Field(() => Int, { description: 'Events skipped because their eventId was already recorded for this account (or repeated in this call).' })
  duplicates!: number;
}
