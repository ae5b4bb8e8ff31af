import { Migration } from '@mikro-orm/migrations';

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
];

/**
 * Sending and activity: messages, bulk sends, idempotency keys, and the events table, partitioned
 * by month on occurred_at (a default partition catches anything outside the prepared months;
 * `mailroom_ensure_event_partitions` adds months ahead and runs at every start).
 */
export class Migration20261126020000Sending extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "messages" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid not null, "sender_identity_id" uuid null, "template_id" uuid null, "bulk_id" uuid null, "from_email" text not null, "from_name" text null, "reply_to_email" text null, "reply_to_name" text null, "recipient" text not null, "recipient_name" text null, "recipient_kind" text not null default 'to', "addressing" jsonb not null, "subject" text null, "html" text null, "text" text null, "raw" text null, "variables" jsonb null, "headers" jsonb not null, "tags" text[] not null, "status" text check ("status" in ('SCHEDULED', 'QUEUED', 'SENT', 'DELIVERED', 'DEFERRED', 'SOFT_BOUNCED', 'HARD_BOUNCED', 'CANCELLED', 'RENDER_FAILED')) not null default 'QUEUED', "send_at" timestamptz null, "verp_token" text not null, "message_id_header" text null, "attempts" int not null default 0, "last_response" text null, "completed_at" timestamptz null, constraint "messages_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "messages_bulk_id_index" on "messages" ("bulk_id");`);
    this.addSql(`create index "messages_sender_identity_id_id_index" on "messages" ("sender_identity_id", "id");`);
    this.addSql(`create index "messages_tenant_id_id_index" on "messages" ("tenant_id", "id");`);
    this.addSql(`create index "messages_domain_id_id_index" on "messages" ("domain_id", "id");`);
    this.addSql(`create index "messages_account_id_id_index" on "messages" ("account_id", "id");`);
    this.addSql(`alter table "messages" add constraint "messages_verp_token_unique" unique ("verp_token");`);
    this.addSql(`alter table "messages" add constraint "messages_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "messages" add constraint "messages_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "messages" add constraint "messages_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(
      `alter table "messages" add constraint "messages_sender_identity_id_foreign" foreign key ("sender_identity_id") references "sender_identities" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`create sequence "activity_events_id_seq";`);
    this.addSql(
      `create table "activity_events" ("id" bigint not null default nextval('activity_events_id_seq'), "occurred_at" timestamptz not null, "type" text check ("type" in (${EVENT_TYPES.map((t) => `'${t}'`).join(', ')})) not null, "account_id" uuid not null, "message_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid not null, "sender_identity_id" uuid null, "recipient" text not null, "tags" text[] not null, "data" jsonb not null, constraint "activity_events_pkey" primary key ("id", "occurred_at")) partition by range ("occurred_at");`,
    );
    this.addSql(`alter sequence "activity_events_id_seq" owned by "activity_events"."id";`);
    this.addSql(`create index "activity_events_message_id_id_index" on "activity_events" ("message_id", "id");`);
    this.addSql(`create index "activity_events_account_id_id_index" on "activity_events" ("account_id", "id");`);
    this.addSql(`alter table "activity_events" add constraint "activity_events_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "activity_events" add constraint "activity_events_message_id_foreign" foreign key ("message_id") references "messages" ("id") on update cascade on delete cascade;`);
    this.addSql(`create table "activity_events_default" partition of "activity_events" default;`);
    this.addSql(`create or replace function mailroom_ensure_event_partitions(months_back int, months_ahead int) returns void language plpgsql as $$
      declare m date; name text;
      begin
        for i in -months_back..months_ahead loop
          m := (date_trunc('month', now()) + make_interval(months => i))::date;
          name := 'activity_events_' || to_char(m, 'YYYY_MM');
          if to_regclass(name) is null then
            execute format('create table %I partition of activity_events for values from (%L) to (%L)', name, m, (m + interval '1 month')::date);
          end if;
        end loop;
      end $$;`);
    this.addSql(`select mailroom_ensure_event_partitions(1, 3);`);
    // Ingestion idempotency: an outside MTA's event id is recorded once per account.
    this.addSql(
      `create table "ingested_event_ids" ("account_id" uuid not null references "accounts" ("id") on delete cascade, "external_id" text not null, "created_at" timestamptz not null default now(), primary key ("account_id", "external_id"));`,
    );

    this.addSql(
      `create table "bulk_sends" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "principal_key" text not null, "status" text check ("status" in ('QUEUED', 'PROCESSING', 'COMPLETED')) not null default 'QUEUED', "total" int not null, "processed" int not null default 0, "messages_queued" int not null default 0, "failed" int not null default 0, "requests" jsonb not null, "errors" jsonb not null, constraint "bulk_sends_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "bulk_sends" add constraint "bulk_sends_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(
      `create table "idempotency_records" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "principal_key" text not null, "key" text not null, "request_hash" text not null, "message_ids" uuid[] not null, constraint "idempotency_records_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "idempotency_records" add constraint "idempotency_records_principal_key_key_unique" unique ("principal_key", "key");`);
    this.addSql(
      `alter table "idempotency_records" add constraint "idempotency_records_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`,
    );
  }
}
