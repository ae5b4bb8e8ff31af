import { registerEnumType } from 'type-graphql';
import type { EventRow } from '../../events/event-row';
import { ACTIVITY_EVENT_DESCRIPTIONS, ActivityEventType } from '../../events/event-type';
import { PLATFORM_EVENTS, PLATFORM_EVENT_TYPES, type PlatformEventType } from '../../events/platform-event-type';
import { isPlatformEvent, type StreamEvent } from '../../events/platform-events.queries';

/** What a webhook can subscribe to: `ACTIVITY_<type>` for every activity event type, and every platform event type. */
export type WebhookEventType = `ACTIVITY_${ActivityEventType}` | PlatformEventType;

/**
 * The GraphQL enum, derived: one `ACTIVITY_*` value per ActivityEventType (a new activity type appears
 * here with no change) and one value per platform event (src/events/platform-event-type.ts).
 */
export const WebhookEventType = Object.freeze(Object.fromEntries([...Object.values(ActivityEventType).map((t) => `ACTIVITY_${t}`), ...PLATFORM_EVENT_TYPES].map((v) => [v, v]))) as Readonly<
  Record<WebhookEventType, WebhookEventType>
>;
/** What each platform event means (the webhooks' enum value descriptions). */
const PLATFORM_EVENT_DESCRIPTIONS: Readonly<Record<PlatformEventType, string>> = {
  DOMAIN_STATUS_CHANGED: "A domain's verification status changed.",
  SENDER_IDENTITY_VERIFIED: 'A sender identity was confirmed.',
  BULK_EMAIL_COMPLETED: 'A bulk send finished accepting or refusing its requests.',
  SUPPRESSION_ADDED: 'A suppression entry was added.',
  SUPPRESSION_REMOVED: 'A suppression entry was removed.',
  RECIPIENT_ON_HOLD_ADDED: 'A recipient was put on hold after repeated soft bounces.',
  RECIPIENT_ON_HOLD_REMOVED: 'A recipient on hold was released.',
  BLOCKLIST_LISTED: 'A monitored address or domain appeared on a blocklist zone.',
  BLOCKLIST_DELISTED: 'A monitored address or domain left a blocklist zone it was listed on.',
  DMARC_REPORT_RECEIVED: 'A DMARC aggregate report was filed under a DMARC monitor.',
};
registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: 'An event a webhook can receive: ACTIVITY_* for what happens to messages, the others for the platform (domains, sender identities, bulk sends…).',
  valuesConfig: Object.fromEntries([
    ...Object.entries(ACTIVITY_EVENT_DESCRIPTIONS).map(([t, description]) => [`ACTIVITY_${t}`, { description }]),
    ...Object.entries(PLATFORM_EVENT_DESCRIPTIONS).map(([t, description]) => [t, { description }]),
  ]),
});

/** The webhook event type of a stream event. Pure. */
export function webhookEventTypeOf(e: StreamEvent): WebhookEventType {
  return isPlatformEvent(e) ? e.type : (`ACTIVITY_${(e as EventRow).type}` as WebhookEventType);
}

/** The dotted lower-case name on the wire: `activity.delivered`, `sender_identity.verified`… Pure. */
export function wireName(t: WebhookEventType): string {
  if (t.startsWith('ACTIVITY_')) return `activity.${t.slice('ACTIVITY_'.length).toLowerCase()}`;
  return PLATFORM_EVENTS[t as PlatformEventType].name;
}

/** The wire name of the test ping sent on save and by testWebhook. */
export const TEST_EVENT_NAME = 'webhook.test';
