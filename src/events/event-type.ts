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
/** What each activity event type means (the enum's and the webhooks' `ACTIVITY_*` value descriptions). */
export const ACTIVITY_EVENT_DESCRIPTIONS: Readonly<Record<ActivityEventType, string>> = {
  QUEUED: 'Accepted for delivery.',
  SENT: 'Handed over to the relay (relay mode) or stored (sandbox mode).',
  DELIVERED: "Accepted by the recipient's mail server.",
  DEFERRED: 'A temporary failure; delivery will be retried.',
  SOFT_BOUNCED: 'Temporary failures until the retry window ended.',
  HARD_BOUNCED: "Permanently refused by the recipient's server, or bounced later.",
  OPENED: 'The message was opened (each open).',
  OPENED_UNIQUE: 'The message was opened for the first time.',
  CLICKED: 'A tracked link was clicked (each click).',
  CLICKED_UNIQUE: 'A tracked link of the message was clicked for the first time.',
  UNSUBSCRIBED: 'The recipient unsubscribed.',
  SPAM_COMPLAINT: 'The recipient reported the message as spam.',
  RENDER_FAILED: 'The template could not be rendered when the message came due.',
  CANCELLED: 'The message was cancelled before it was sent.',
  SUPPRESSED: 'The recipient is on a suppression list: the message was not sent.',
};
registerEnumType(ActivityEventType, {
  name: 'ActivityEventType',
  description: 'What happened to a message.',
  valuesConfig: Object.fromEntries(Object.entries(ACTIVITY_EVENT_DESCRIPTIONS).map(([k, description]) => [k, { description }])),
});
