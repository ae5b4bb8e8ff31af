import type { EventRow } from '../../events/event-row';
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

/** Engagement events whose reader (country, client, environment) is rolled up too. */
export const ENGAGEMENT_TYPES: readonly ActivityEventType[] = [ActivityEventType.OPENED, ActivityEventType.OPENED_UNIQUE, ActivityEventType.CLICKED, ActivityEventType.CLICKED_UNIQUE];

/** The reader dimensions of opens and clicks. */
export type EngagementDimension = 'COUNTRY' | 'CLIENT' | 'ENVIRONMENT';

/** The key of an event without a known country or client. */
export const UNKNOWN_KEY = 'UNKNOWN';

/** What a rollup row is counted by: owners, template, tag (null: the row of every message, whatever its tags) and UTC hour. */
export interface RollupDims {
  account_id: string;
  hour: string;
  tenant_id: string | null;
  domain_id: string;
  sender_identity_id: string | null;
  template_id: string | null;
  tag: string | null;
}

/** One row of analytics_hourly to add. */
export type HourlyRow = RollupDims & Record<CountColumn, number>;

/** One row of analytics_engagement_hourly to add. */
export interface EngagementRow extends RollupDims {
  type: ActivityEventType;
  dimension: EngagementDimension;
  key: string;
  count: number;
}

/** The UTC hour an instant falls in, as ISO text. Pure. */
export function hourOf(d: Date): string {
  return new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000).toISOString();
}

/** An event's reading environment as the API names it: WEBMAIL, DESKTOP, MOBILE or OTHER. Pure. */
export function environmentOf(data: Record<string, unknown>): string {
  const env = typeof data.environment === 'string' ? data.environment.toUpperCase() : '';
  return env === 'WEBMAIL' || env === 'DESKTOP' || env === 'MOBILE' ? env : 'OTHER';
}

function text(v: unknown, max: number): string {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : UNKNOWN_KEY;
}

/** The reader keys of an open or click: country (ISO code), client (user-agent family) and environment. Pure. */
export function readerKeys(data: Record<string, unknown>): [EngagementDimension, string][] {
  return [
    ['COUNTRY', text(data.country, 8).toUpperCase()],
    ['CLIENT', text(data.client, 64)],
    ['ENVIRONMENT', environmentOf(data)],
  ];
}

/**
 * Aggregates a batch of events into rollup rows (what one upsert per table adds). Each counted event adds
 * 1 to the row of its owners, template and hour with tag null (totals), and 1 to the row of each distinct
 * tag its message carries (byTag and tag filters). Opens and clicks also add 1 per reader dimension, the
 * same way. `templateOf` maps message ids to their template (absent: none). Pure.
 */
export function aggregate(events: readonly EventRow[], templateOf: ReadonlyMap<string, string | null>): { hourly: HourlyRow[]; engagement: EngagementRow[] } {
  const hourly = new Map<string, HourlyRow>();
  const engagement = new Map<string, EngagementRow>();
  for (const e of events) {
    const column = COUNTED[e.type];
    if (!column) continue;
    const base = {
      account_id: e.accountId,
      hour: hourOf(e.occurredAt),
      tenant_id: e.tenantId,
      domain_id: e.domainId,
      sender_identity_id: e.senderIdentityId,
      template_id: templateOf.get(e.messageId) ?? null,
    };
    const baseKey = `${base.account_id}|${base.hour}|${base.tenant_id}|${base.domain_id}|${base.sender_identity_id}|${base.template_id}`;
    const tags: (string | null)[] = [null, ...new Set(e.tags)];
    const readers = ENGAGEMENT_TYPES.includes(e.type) ? readerKeys(e.data) : [];
    for (const tag of tags) {
      const key = `${baseKey}|${tag === null ? '' : `#${tag}`}`;
      let row = hourly.get(key);
      if (!row) {
        row = { ...base, tag, ...zeroCounts() };
        hourly.set(key, row);
      }
      row[column]++;
      for (const [dimension, k] of readers) {
        const ek = `${key}|${e.type}|${dimension}|${k}`;
        const er = engagement.get(ek);
        if (er) er.count++;
        else engagement.set(ek, { ...base, tag, type: e.type, dimension, key: k, count: 1 });
      }
    }
  }
  return { hourly: [...hourly.values()], engagement: [...engagement.values()] };
}

function zeroCounts(): Record<CountColumn, number> {
  return Object.fromEntries(COUNT_COLUMNS.map((c) => [c, 0])) as Record<CountColumn, number>;
}
