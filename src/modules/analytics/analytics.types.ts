import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Counts } from './analytics.queries';
import type { EngagementColumn } from './rollup';

/** Which opens or clicks a reader breakdown counts. */
export enum AnalyticsEngagement {
  OPENS = 'OPENS',
  UNIQUE_OPENS = 'UNIQUE_OPENS',
  CLICKS = 'CLICKS',
  UNIQUE_CLICKS = 'UNIQUE_CLICKS',
}
registerEnumType(AnalyticsEngagement, {
  name: 'AnalyticsEngagement',
  description: 'Which engagement a reader breakdown counts: every open or click, or only the first per message.',
  valuesConfig: {
    OPENS: { description: 'Every open (a message opened three times counts three).' },
    UNIQUE_OPENS: { description: 'The first open of each message only.' },
    CLICKS: { description: 'Every click on a tracked link.' },
    UNIQUE_CLICKS: { description: 'The first click of each message only.' },
  },
});

/** The rollup column each engagement counts. */
export const ENGAGEMENT_EVENT: Record<AnalyticsEngagement, EngagementColumn> = {
  OPENS: 'opened',
  UNIQUE_OPENS: 'opened_unique',
  CLICKS: 'clicked',
  UNIQUE_CLICKS: 'clicked_unique',
};

const ratio = (n: number, d: number) => (d > 0 ? n / d : 0);

/** Counts of events and the rates derived from them. */
@ObjectType({ description: 'Event counts and rates. Rates are fractions (0.25 = 25 %), 0 when their denominator is 0.' })
export class AnalyticsCounts {
  @Field(() => Int, { description: 'QUEUED events: messages accepted for sending.' }) queued!: number;
  @Field(() => Int, { description: 'SENT events: messages handed to the receiving server.' }) sent!: number;
  @Field(() => Int, { description: 'DELIVERED events.' }) delivered!: number;
  @Field(() => Int, { description: 'DEFERRED events (temporary failures, retried).' }) deferred!: number;
  @Field(() => Int, { description: 'SOFT_BOUNCED events.' }) softBounced!: number;
  @Field(() => Int, { description: 'HARD_BOUNCED events.' }) hardBounced!: number;
  @Field(() => Int, { description: 'OPENED events: every open.' }) opened!: number;
  @Field(() => Int, { description: 'OPENED_UNIQUE events: messages opened (the first open of each).' }) openedUnique!: number;
  @Field(() => Int, { description: 'CLICKED events: every click.' }) clicked!: number;
  @Field(() => Int, { description: 'CLICKED_UNIQUE events: messages clicked (the first click of each).' }) clickedUnique!: number;
  @Field(() => Int, { description: 'UNSUBSCRIBED events.' }) unsubscribed!: number;
  @Field(() => Int, { description: 'SPAM_COMPLAINT events.' }) spamComplaint!: number;
  @Field(() => Int, { description: 'SUPPRESSED events: messages not sent because the recipient is on a suppression list.' }) suppressed!: number;
  @Field(() => Float, { description: 'delivered / sent.' }) deliveryRate!: number;
  @Field(() => Float, { description: 'openedUnique / delivered (MailerSend’s open rate).' }) openRate!: number;
  @Field(() => Float, { description: 'clickedUnique / delivered (MailerSend’s click rate).' }) clickRate!: number;
  @Field(() => Float, { description: '(softBounced + hardBounced) / sent.' }) bounceRate!: number;
  @Field(() => Float, { description: 'spamComplaint / delivered.' }) complaintRate!: number;
  @Field(() => Float, { description: 'unsubscribed / delivered.' }) unsubscribeRate!: number;

  /** The API's counts and rates of rollup counts. Pure. */
  static of(c: Counts): AnalyticsCounts {
    return Object.assign(new AnalyticsCounts(), {
      queued: c.queued,
      sent: c.sent,
      delivered: c.delivered,
      deferred: c.deferred,
      softBounced: c.soft_bounced,
      hardBounced: c.hard_bounced,
      opened: c.opened,
      openedUnique: c.opened_unique,
      clicked: c.clicked,
      clickedUnique: c.clicked_unique,
      unsubscribed: c.unsubscribed,
      spamComplaint: c.spam_complaint,
      suppressed: c.suppressed,
      deliveryRate: ratio(c.delivered, c.sent),
      openRate: ratio(c.opened_unique, c.delivered),
      clickRate: ratio(c.clicked_unique, c.delivered),
      bounceRate: ratio(c.soft_bounced + c.hard_bounced, c.sent),
      complaintRate: ratio(c.spam_complaint, c.delivered),
      unsubscribeRate: ratio(c.unsubscribed, c.delivered),
    });
  }
}

/** One interval of a series. */
@ObjectType({ description: 'One interval of a series.' })
export class AnalyticsPoint {
  @Field(() => Date, { description: 'Where the interval starts (local midnight of the timezone for DAY and longer; a UTC hour for HOUR).' })
  start!: Date;

  @Field(() => AnalyticsCounts, { description: 'What happened in it.' })
  counts!: AnalyticsCounts;
}

/** One key of a reader breakdown. */
@ObjectType({ description: 'One key of a breakdown of opens or clicks, with its share of them.' })
export class AnalyticsShare {
  @Field(() => String, { description: 'The country (ISO 3166 code), client (Gmail, Apple Mail, Outlook …) or environment (WEBMAIL, DESKTOP, MOBILE, OTHER); UNKNOWN when not known.' })
  key!: string;

  @Field(() => Int, { description: 'Opens or clicks with this key.' })
  count!: number;

  @Field(() => Float, { description: 'count / all opens or clicks of the breakdown (0–1).' })
  share!: number;
}

/** Counts of one owner (tenant, domain, sender identity, template). */
@ObjectType({ description: 'Counts of one tenant, domain, sender identity or template.' })
export class AnalyticsIdCounts {
  @Field(() => ID, { nullable: true, description: 'Its global id; null for mail without one (the agency’s own mail, mail with no sender identity or no template).' })
  id!: string | null;

  @Field(() => AnalyticsCounts, { description: 'Its counts.' })
  counts!: AnalyticsCounts;
}

/** Counts of one tag. */
@ObjectType({ description: 'Counts of the mail carrying one tag (a message with several tags counts under each).' })
export class AnalyticsTagCounts {
  @Field(() => String, { description: 'The tag.' })
  key!: string;

  @Field(() => AnalyticsCounts, { description: 'Its counts.' })
  counts!: AnalyticsCounts;
}
