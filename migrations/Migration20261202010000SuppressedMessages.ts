import { Migration } from '@mikro-orm/migrations';

const MESSAGE_STATUSES = ['SCHEDULED', 'QUEUED', 'SENT', 'DELIVERED', 'DEFERRED', 'SOFT_BOUNCED', 'HARD_BOUNCED', 'CANCELLED', 'RENDER_FAILED', 'SUPPRESSED'];
const EVENT_TYPES = [
  'QUEUED',
  'SENT',
  'DELIVERED',
  'DEFERRED',
  'SOFT_BOUNCED',
  'HARD_BOUNCED',
  'OPENED',
  'OPENED_UNIQUE',
  'CLICKED',
  'CLICKED_UNIQUE',
  'UNSUBSCRIBED',
  'SPAM_COMPLAINT',
  'RENDER_FAILED',
  'CANCELLED',
  'SUPPRESSED',
];
const list = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * Suppression enforcement: a message to a suppressed recipient ends SUPPRESSED with a SUPPRESSED
 * event (never sent), and bulk sends count them.
 */
export class Migration20261202010000SuppressedMessages extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "messages" drop constraint "messages_status_check";`);
    this.addSql(`alter table "messages" add constraint "messages_status_check" check ("status" in (${list(MESSAGE_STATUSES)}));`);
    this.addSql(`alter table "activity_events" drop constraint "activity_events_type_check";`);
    this.addSql(`alter table "activity_events" add constraint "activity_events_type_check" check ("type" in (${list(EVENT_TYPES)}));`);
    this.addSql(`alter table "bulk_sends" add column "messages_suppressed" int not null default 0;`);
  }
}
