import { registerEnumType } from 'type-graphql';

/** Kinds of delivery and engagement events. */
export enum ActivityEventType {
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  DEFERRED = 'DEFERRED',
  SOFT_BOUNCED = 'SOFT_BOUNCED',
  HARD_BOUNCED = 'HARD_BOUNCED',
  OPENED = 'OPENED',
  OPENED_UNIQUE = 'OPENED_UNIQUE',
  CLICKED = 'CLICKED',
  CLICKED_UNIQUE = 'CLICKED_UNIQUE',
  UNSUBSCRIBED = 'UNSUBSCRIBED',
  SPAM_COMPLAINT = 'SPAM_COMPLAINT',
  RENDER_FAILED = 'RENDER_FAILED',
  CANCELLED = 'CANCELLED',
  SUPPRESSED = 'SUPPRESSED',
}
registerEnumType(ActivityEventType, { name: 'ActivityEventType', description: 'What happened to a message.' });
