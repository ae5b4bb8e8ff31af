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
});
