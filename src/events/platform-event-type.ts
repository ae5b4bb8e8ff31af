/**
 * The platform's own events — things that happen to a domain, a sender identity, a bulk send… rather
 * than to one message — with their public dotted names (webhooks' `type`, MailerSend's names where it
 * has them). Adding one is one line here: the webhooks' event enum and wire names follow.
 */
export const PLATFORM_EVENTS = {
  DOMAIN_STATUS_CHANGED: 'domain.status_changed',
  SENDER_IDENTITY_VERIFIED: 'sender_identity.verified',
  BULK_EMAIL_COMPLETED: 'bulk_email.completed',
} as const;

/** A platform event type (a key of PLATFORM_EVENTS). */
export type PlatformEventType = keyof typeof PLATFORM_EVENTS;

/** Every platform event type, in declaration order. */
export const PLATFORM_EVENT_TYPES = Object.keys(PLATFORM_EVENTS) as PlatformEventType[];
