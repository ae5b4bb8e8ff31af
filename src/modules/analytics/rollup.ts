import { ActivityEventType } from '../../events/event-type';

/** The event types the rollups count, each with its column in analytics_hourly. */
export const COUNTED: Readonly<Partial<Record<ActivityEventType, CountColumn>>> = {
  [ActivityEventType.QUEUED]: 'queued',
  [ActivityEventType.SENT]: 'sent',
  [ActivityEventType.DELIVERED]: 'delivered',
  [ActivityEventType.DEFERRED]: 'deferred',
  [ActivityEventType.SOFT_BOUNCED]: 'soft_bounced',
  [ActivityEventType.HARD_BOUNCED]: 'hard_bounced',
  [ActivityEventType.OPENED]: 'opened',
  [ActivityEventType.OPENED_UNIQUE]: 'opened_unique',
  [ActivityEventType.CLICKED]: 'clicked',
  [ActivityEventType.CLICKED_UNIQUE]: 'clicked_unique',
  [ActivityEventType.UNSUBSCRIBED]: 'unsubscribed',
  [ActivityEventType.SPAM_COMPLAINT]: 'spam_complaint',
  [ActivityEventType.SUPPRESSED]: 'suppressed',
};

/** The event type a count column counts. Pure. */
export function typeOfColumn(c: CountColumn): ActivityEventType {
  return (Object.keys(COUNTED) as ActivityEventType[]).find((t) => COUNTED[t] === c)!;
}

/** The count columns of analytics_hourly, in order. */
export const COUNT_COLUMNS = [
  'queued',
  'sent',
  'delivered',
  'deferred',
  'soft_bounced',
  'hard_bounced',
  'opened',
  'opened_unique',
  'clicked',
  'clicked_unique',
  'unsubscribed',
  'spam_complaint',
  'suppressed',
] as const;
export type CountColumn = (typeof COUNT_COLUMNS)[number];

/** The reader dimensions of opens and clicks. */
export type EngagementDimension = 'COUNTRY' | 'CLIENT' | 'ENVIRONMENT';

/** The key of an event without a known country or client. */
export const UNKNOWN_KEY = 'UNKNOWN';

/** The engagement columns of analytics_engagement_hourly, by the event type each counts. */
export const ENGAGEMENT_COLUMN: Readonly<Partial<Record<ActivityEventType, EngagementColumn>>> = {
  [ActivityEventType.OPENED]: 'opened',
  [ActivityEventType.OPENED_UNIQUE]: 'opened_unique',
  [ActivityEventType.CLICKED]: 'clicked',
  [ActivityEventType.CLICKED_UNIQUE]: 'clicked_unique',
};
export type EngagementColumn = 'opened' | 'opened_unique' | 'clicked' | 'clicked_unique';
