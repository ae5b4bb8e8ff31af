import { registerEnumType } from 'type-graphql';
import type { EventRow } from '../../events/event-row';
import { ActivityEventType } from '../../events/event-type';
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
registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: 'An event a webhook can receive: ACTIVITY_* for what happens to messages, the others for the platform (domains, sender identities, bulk sends…).',
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
