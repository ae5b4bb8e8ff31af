import { registerEnumType } from 'type-graphql';

/** Where a message is in its life. */
export enum MessageStatus {
  SCHEDULED = 'SCHEDULED',
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  DEFERRED = 'DEFERRED',
  SOFT_BOUNCED = 'SOFT_BOUNCED',
  HARD_BOUNCED = 'HARD_BOUNCED',
  CANCELLED = 'CANCELLED',
  RENDER_FAILED = 'RENDER_FAILED',
  SUPPRESSED = 'SUPPRESSED',
}
registerEnumType(MessageStatus, {
  name: 'MessageStatus',
  description:
    'SCHEDULED (waiting for sendAt), QUEUED, SENT (handed to a relay), DELIVERED (accepted by the recipient’s server), DEFERRED (retrying), SOFT_BOUNCED, HARD_BOUNCED, CANCELLED, RENDER_FAILED, SUPPRESSED (the recipient is on a suppression list of the sending domain: never sent).',
  valuesConfig: {
    SCHEDULED: { description: 'Waiting for its sendAt time.' },
    QUEUED: { description: 'Accepted and waiting for delivery.' },
    SENT: { description: 'Handed over: to the relay (relay mode) or stored only (sandbox mode).' },
    DELIVERED: { description: "Accepted by the recipient's mail server." },
    DEFERRED: { description: 'A temporary failure; delivery is retried.' },
    SOFT_BOUNCED: { description: 'Temporary failures until the retry window ended.' },
    HARD_BOUNCED: { description: "Permanently refused by the recipient's server." },
    CANCELLED: { description: 'Cancelled before it was sent.' },
    RENDER_FAILED: { description: 'Its template could not be rendered when it came due.' },
    SUPPRESSED: { description: 'The recipient is on a suppression list of the sending domain: never sent.' },
  },
});
