import { describe, expect, it } from 'vitest';
import { ActivityEventType } from '../../events/event-type';
import { PLATFORM_EVENTS } from '../../events/platform-event-type';
import { WebhookEventType, wireName } from './webhook-event-type';

describe('WebhookEventType', () => {
  it('has one ACTIVITY_ value per activity event type (derived, so a new one appears with no change) and one per platform event', () => {
    const expected = [...Object.values(ActivityEventType).map((t) => `ACTIVITY_${t}`), ...Object.keys(PLATFORM_EVENTS)];
    expect(Object.keys(WebhookEventType)).toEqual(expected);
    expect(Object.keys(WebhookEventType)).toContain('ACTIVITY_SPAM_COMPLAINT');
  });

  it('names each type in dotted lower case on the wire, MailerSend’s names where it has them', () => {
    expect(wireName('ACTIVITY_DELIVERED')).toBe('activity.delivered');
    expect(wireName('ACTIVITY_SOFT_BOUNCED')).toBe('activity.soft_bounced');
    expect(wireName('SENDER_IDENTITY_VERIFIED')).toBe('sender_identity.verified');
    expect(wireName('BULK_EMAIL_COMPLETED')).toBe('bulk_email.completed');
    expect(wireName('DOMAIN_STATUS_CHANGED')).toBe('domain.status_changed');
  });
});
