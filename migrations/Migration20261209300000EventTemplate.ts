import { Migration } from '@mikro-orm/migrations';

/**
 * Each activity event carries its message's template (copied at insert, as tenant, domain and sender
 * identity are), so the analytics consumer sums a range of events without joining messages. Events
 * recorded before are filled in from their messages.
 */
export class Migration20261209300000EventTemplate extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "activity_events" add column "template_id" uuid null;`);
    this.addSql(`update "activity_events" e set "template_id" = m."template_id" from "messages" m where m."id" = e."message_id" and m."template_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "activity_events" drop column "template_id";`);
  }
}
