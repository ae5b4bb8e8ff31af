/**
 * The platform's own events — things that happen to a domain, a sender identity, a bulk send… rather
 * than to one message — with their public dotted names (webhooks' `type`, MailerSend's names where it
 * has them) and the GraphQL type of the object they are about. Adding one is one line here: the
 * webhooks' event enum, wire names and payloads follow.
 */
export const PLATFORM_EVENTS = {
  DOMAIN_STATUS_CHANGED: { name: 'domain.status_changed', subject: 'Domain' },
  SENDER_IDENTITY_VERIFIED: { name: 'sender_identity.verified', subject: 'SenderIdentity' },
  BULK_EMAIL_COMPLETED: { name: 'bulk_email.completed', subject: 'BulkSend' },
  SUPPRESSION_ADDED: { name: 'suppression.added', subject: 'Suppression' },
  SUPPRESSION_REMOVED: { name: 'suppression.removed', subject: 'Suppression' },
  RECIPIENT_ON_HOLD_ADDED: { name: 'recipient.on_hold_added', subject: 'Suppression' },
  RECIPIENT_ON_HOLD_REMOVED: { name: 'recipient.on_hold_removed', subject: 'Suppression' },
  BLOCKLIST_LISTED: { name: 'blocklist.listed', subject: 'BlocklistAlert' },
  BLOCKLIST_DELISTED: { name: 'blocklist.delisted', subject: 'BlocklistAlert' },
  DMARC_REPORT_RECEIVED: { name: 'dmarc.report_received', subject: 'DmarcReport' },
} as const satisfies Record<string, { name: string; subject: string }>;

/** A platform event type (a key of PLATFORM_EVENTS). */
export type PlatformEventType = keyof typeof PLATFORM_EVENTS;

/** Every platform event type, in declaration order. */
export const PLATFORM_EVENT_TYPES = Object.keys(PLATFORM_EVENTS) as PlatformEventType[];
