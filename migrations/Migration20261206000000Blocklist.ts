import { Migration } from '@mikro-orm/migrations';

/**
 * Blocklist monitoring: monitors (account- or tenant-owned), their checks, current hits and alerts.
 * Alerts take their `seq` from their own sequence under the event-order lock (see
 * blocklist-alerts.queries.ts), so seq order is commit order for the live subscription.
 */
export class Migration20261206000000Blocklist extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create sequence "blocklist_alerts_seq";`);
    this.addSql(
      `create table "blocklist_monitors" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid null, "name" text not null, "address" text not null, "address_kind" text check ("address_kind" in ('DOMAIN', 'IPV4', 'IPV6', 'CIDR')) not null, "notify_emails" text[] not null, "webhook_enabled" boolean not null default true, "interval_minutes" int not null, "listed" boolean not null default false, "last_checked_at" timestamptz null, "next_check_at" timestamptz not null, "zones_checked" int not null default 0, "unhealthy_zones" text[] not null, "check_started_at" timestamptz null, "progress_done" int not null default 0, "progress_total" int not null default 0, constraint "blocklist_monitors_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "blocklist_monitors_domain_id_index" on "blocklist_monitors" ("domain_id");`);
    this.addSql(`create index "blocklist_monitors_tenant_id_index" on "blocklist_monitors" ("tenant_id");`);
    this.addSql(`create index "blocklist_monitors_account_id_id_index" on "blocklist_monitors" ("account_id", "id");`);
    this.addSql(`create unique index "blocklist_monitors_address_unique" on "blocklist_monitors" ("account_id", "tenant_id", "address") nulls not distinct;`);
    this.addSql(
      `create table "blocklist_hits" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid null, "monitor_id" uuid not null, "address" text not null, "zone" text not null, "return_codes" text[] not null, "reason" text null, "first_seen_at" timestamptz not null, "last_seen_at" timestamptz not null, constraint "blocklist_hits_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "blocklist_hits_account_id_id_index" on "blocklist_hits" ("account_id", "id");`);
    this.addSql(`alter table "blocklist_hits" add constraint "blocklist_hits_monitor_id_address_zone_unique" unique ("monitor_id", "address", "zone");`);
    this.addSql(
      `create table "blocklist_checks" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid null, "monitor_id" uuid not null, "started_at" timestamptz not null, "finished_at" timestamptz not null, "addresses_checked" int not null, "zones_checked" int not null, "zones" jsonb not null, "hits" jsonb not null, "errors" text[] not null, constraint "blocklist_checks_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "blocklist_checks_account_id_id_index" on "blocklist_checks" ("account_id", "id");`);
    this.addSql(`create index "blocklist_checks_monitor_id_id_index" on "blocklist_checks" ("monitor_id", "id");`);
    this.addSql(
      `create table "blocklist_alerts" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "seq" bigint not null, "account_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid null, "monitor_id" uuid not null, "kind" text check ("kind" in ('LISTED', 'DELISTED', 'ZONE_UNHEALTHY')) not null, "address" text not null, "zone" text not null, "return_codes" text[] not null, "reason" text null, "occurred_at" timestamptz not null, constraint "blocklist_alerts_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "blocklist_alerts" add constraint "blocklist_alerts_seq_unique" unique ("seq");`);
    this.addSql(`create index "blocklist_alerts_monitor_id_seq_index" on "blocklist_alerts" ("monitor_id", "seq");`);
    this.addSql(`create index "blocklist_alerts_account_id_seq_index" on "blocklist_alerts" ("account_id", "seq");`);
    this.addSql(`alter table "blocklist_monitors" add constraint "blocklist_monitors_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "blocklist_monitors" add constraint "blocklist_monitors_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "blocklist_monitors" add constraint "blocklist_monitors_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "blocklist_hits" add constraint "blocklist_hits_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "blocklist_hits" add constraint "blocklist_hits_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "blocklist_hits" add constraint "blocklist_hits_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete set null;`);
    this.addSql(
      `alter table "blocklist_hits" add constraint "blocklist_hits_monitor_id_foreign" foreign key ("monitor_id") references "blocklist_monitors" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "blocklist_checks" add constraint "blocklist_checks_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "blocklist_checks" add constraint "blocklist_checks_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "blocklist_checks" add constraint "blocklist_checks_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete set null;`);
    this.addSql(
      `alter table "blocklist_checks" add constraint "blocklist_checks_monitor_id_foreign" foreign key ("monitor_id") references "blocklist_monitors" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "blocklist_alerts" add constraint "blocklist_alerts_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "blocklist_alerts" add constraint "blocklist_alerts_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "blocklist_alerts" add constraint "blocklist_alerts_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete set null;`);
    this.addSql(
      `alter table "blocklist_alerts" add constraint "blocklist_alerts_monitor_id_foreign" foreign key ("monitor_id") references "blocklist_monitors" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "system_emails" drop constraint if exists "system_emails_kind_check";`);
    this.addSql(
      `alter table "system_emails" add constraint "system_emails_kind_check" check("kind" in ('SENDER_CONFIRMATION', 'MEMBER_INVITATION', 'WEBHOOK_DISABLED', 'ANALYTICS_REPORT', 'BLOCKLIST_ALERT'));`,
    );
  }
}
