import { Migration } from '@mikro-orm/migrations';

/**
 * Platform events (a domain's status changed, a sender identity was verified, a bulk send completed…):
 * events that belong to no message, so they cannot live in activity_events (message_id is required
 * there). They take their ids from activity_events' sequence under the same event-order lock, so the
 * two tables form one commit-ordered stream for the durable consumers — no second serialisation.
 * Low volume: not partitioned. `type` is checked in code (src/events/platform-event-type.ts).
 */
export class Migration20261201100000PlatformEvents extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "platform_events" (
      "id" bigint not null default nextval('activity_events_id_seq'),
      "occurred_at" timestamptz not null,
      "type" text not null,
      "account_id" uuid not null,
      "tenant_id" uuid null,
      "domain_id" uuid null,
      "sender_identity_id" uuid null,
      "subject_id" uuid not null,
      "data" jsonb not null,
      constraint "platform_events_pkey" primary key ("id"));`);
    this.addSql(`create index "platform_events_account_id_id_index" on "platform_events" ("account_id", "id");`);
    this.addSql(`alter table "platform_events" add constraint "platform_events_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
  }
}
