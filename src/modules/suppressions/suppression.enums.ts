import { registerEnumType } from 'type-graphql';

/** The five lists of a sending domain plus the blocklist (per domain or account-wide). */
export enum SuppressionList {
  HARD_BOUNCE = 'HARD_BOUNCE',
  SPAM_COMPLAINT = 'SPAM_COMPLAINT',
  UNSUBSCRIBE = 'UNSUBSCRIBE',
  ON_HOLD = 'ON_HOLD',
  BLOCKLIST = 'BLOCKLIST',
}
registerEnumType(SuppressionList, {
  name: 'SuppressionList',
  description:
    'HARD_BOUNCE, SPAM_COMPLAINT, UNSUBSCRIBE (added from the events), ON_HOLD (repeated soft bounces, released automatically), BLOCKLIST (addresses, @domains and * patterns; per domain or account-wide).',
  valuesConfig: {
    HARD_BOUNCE: { description: 'Addresses that hard-bounced.' },
    SPAM_COMPLAINT: { description: 'Addresses that complained (feedback loop).' },
    UNSUBSCRIBE: { description: 'Addresses that unsubscribed.' },
    ON_HOLD: { description: 'Addresses with repeated soft bounces; released automatically.' },
    BLOCKLIST: { description: 'Addresses, @domains and * patterns never to mail, per domain or account-wide.' },
  },
});

/** How an entry came to be. */
export enum SuppressionSource {
  EVENT = 'EVENT',
  API = 'API',
  IMPORT = 'IMPORT',
}
registerEnumType(SuppressionSource, {
  name: 'SuppressionSource',
  description: 'EVENT (a bounce, complaint, unsubscribe or soft-bounce series), API (addSuppressions) or IMPORT (importSuppressions).',
  valuesConfig: {
    EVENT: { description: 'Added by an event: a bounce, complaint, unsubscribe or soft-bounce series.' },
    API: { description: 'Added with addSuppressions.' },
    IMPORT: { description: 'Added by importSuppressions.' },
  },
});

/** What happened to an entry, for the suppressionChanged subscription. */
export enum SuppressionChangeKind {
  ADDED = 'ADDED',
  REMOVED = 'REMOVED',
}
registerEnumType(SuppressionChangeKind, {
  name: 'SuppressionChangeKind',
  description: 'ADDED or REMOVED (removed by a principal, or an ON_HOLD entry released).',
  valuesConfig: { ADDED: { description: 'An entry was added.' }, REMOVED: { description: 'An entry was removed by a principal, or an ON_HOLD entry was released.' } },
});

/** Progress of a CSV import. */
export enum SuppressionImportStatus {
  QUEUED = 'QUEUED',
  PROCESSING = 'PROCESSING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}
registerEnumType(SuppressionImportStatus, {
  name: 'SuppressionImportStatus',
  description: 'QUEUED, PROCESSING, COMPLETED (every row added or skipped), or FAILED (the domain or the principal is gone).',
  valuesConfig: {
    QUEUED: { description: 'Accepted, not yet worked on.' },
    PROCESSING: { description: 'Rows are being added.' },
    COMPLETED: { description: 'Every row was added or skipped.' },
    FAILED: { description: 'The domain or the principal is gone.' },
  },
});
