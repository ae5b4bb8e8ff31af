import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks: endpoints scoped to a domain, a tenant or the account, with their signing secrets
 * encrypted at rest; the delivery log (one row per event and webhook, carrying the webhook's tenant and
 * domain for scoping; kept WEBHOOK_RETENTION_DAYS); replays with their progress; and the system e-mail
 * kind that tells admins a webhook was disabled.
 */
export class Migration20261201100100Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhooks" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid null, "name" text not null, "url" text not null, "events" text[] not null, "enabled" boolean not null default true, "disabled_reason" text null, "secret_encrypted" text not null, "previous_secret_encrypted" text null, "previous_secret_expires_at" timestamptz null, "consecutive_failures" int not null default 0, "failing_since" timestamptz null, "last_success_at" timestamptz null, constraint "webhooks_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhooks_domain_id_index" on "webhooks" ("domain_id");`);
    this.addSql(`create index "webhooks_tenant_id_index" on "webhooks" ("tenant_id");`);
    this.addSql(`create index "webhooks_account_id_id_index" on "webhooks" ("account_id", "id");`);
    this.addSql(
      `create table "webhook_deliveries" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "webhook_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid null, "event_id" bigint null, "event_type" text null, "status" text check ("status" in ('PENDING', 'SUCCEEDED', 'FAILED')) not null default 'PENDING', "attempts" int not null default 0, "schedule_step" int not null default 0, "next_attempt_at" timestamptz null, "last_attempt_at" timestamptz null, "response_status" int null, "response_body" text null, "duration_ms" int null, "error" text null, "message_id" text not null, "url" text not null, "body" text not null, "request_headers" jsonb null, constraint "webhook_deliveries_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhook_deliveries_created_at_index" on "webhook_deliveries" ("created_at");`);
    this.addSql(`create index "webhook_deliveries_account_id_webhook_id_id_index" on "webhook_deliveries" ("account_id", "webhook_id", "id");`);
    this.addSql(
      `create table "webhook_replays" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "webhook_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid null, "from" timestamptz not null, "to" timestamptz not null, "status" text check ("status" in ('QUEUED', 'PROCESSING', 'COMPLETED')) not null default 'QUEUED', "after_event_id" bigint not null default '0', "processed" int not null default 0, "queued" int not null default 0, constraint "webhook_replays_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "webhooks" add constraint "webhooks_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhooks" add constraint "webhooks_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhooks" add constraint "webhooks_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_webhook_id_foreign" foreign key ("webhook_id") references "webhooks" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_replays" add constraint "webhook_replays_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_replays" add constraint "webhook_replays_webhook_id_foreign" foreign key ("webhook_id") references "webhooks" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_replays" add constraint "webhook_replays_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_replays" add constraint "webhook_replays_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "system_emails" drop constraint if exists "system_emails_kind_check";`);
    this.addSql(`alter table "system_emails" add constraint "system_emails_kind_check" check("kind" in ('SENDER_CONFIRMATION', 'MEMBER_INVITATION', 'WEBHOOK_DISABLED'));`);
  }
}
