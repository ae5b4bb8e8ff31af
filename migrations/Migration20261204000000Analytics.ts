import { Migration } from '@mikro-orm/migrations';

const COUNTS = ['queued', 'sent', 'delivered', 'deferred', 'soft_bounced', 'hard_bounced', 'opened', 'opened_unique', 'clicked', 'clicked_unique', 'unsubscribed', 'spam_complaint', 'suppressed'];
const ENGAGEMENT = ['opened', 'opened_unique', 'clicked', 'clicked_unique'];
const DIMS = '"account_id" uuid not null, "hour" timestamptz not null, "tenant_id" uuid null, "domain_id" uuid not null, "sender_identity_id" uuid null, "template_id" uuid null, "tag" text null';
const KEY = '"account_id", "hour", "domain_id", "tenant_id", "sender_identity_id", "template_id", "tag"';

/**
 * Analytics: hourly (UTC) rollups of message events kept by the `analytics-rollups` consumer — counts per
 * (account, tenant, domain, sender identity, template, tag, hour), one column per event type, and the
 * opens/clicks by country, client and reading environment — and saved reports.
 */
export class Migration20261204000000Analytics extends Migration {
  override async up(): Promise<void> {
    // Derived data with no foreign keys (the consumer's bulk upsert pays no per-row check; accounts are never deleted).
    // Counts change in place: free space on each page lets those updates be HOT (no index writes).
    this.addSql(`create table "analytics_hourly" (${DIMS}, ${COUNTS.map((c) => `"${c}" int not null default 0`).join(', ')}) with (fillfactor = 70);`);
    this.addSql(`alter table "analytics_hourly" add constraint "analytics_hourly_key" unique nulls not distinct (${KEY});`);
    this.addSql(`create index "analytics_hourly_tenant_index" on "analytics_hourly" ("account_id", "tenant_id", "hour") where "tag" is null;`);
    this.addSql(`create index "analytics_hourly_identity_index" on "analytics_hourly" ("account_id", "sender_identity_id", "hour") where "tag" is null and "sender_identity_id" is not null;`);
    this.addSql(`create index "analytics_hourly_domain_index" on "analytics_hourly" ("account_id", "domain_id", "hour") where "tag" is null;`);
    this.addSql(`create index "analytics_hourly_tag_index" on "analytics_hourly" ("account_id", "tag", "hour") where "tag" is not null;`);

    // The account's own totals per hour: what an account-wide principal's unfiltered series reads (one row an hour).
    this.addSql(
      `create table "analytics_hourly_account" ("account_id" uuid not null, "hour" timestamptz not null, ${COUNTS.map((c) => `"${c}" int not null default 0`).join(', ')}, constraint "analytics_hourly_account_pkey" primary key ("account_id", "hour")) with (fillfactor = 70);`,
    );

    // One row per reader (country, client, environment) of an owner/template/tag/hour, its opens and clicks as columns.
    this.addSql(
      `create table "analytics_engagement_hourly" (${DIMS}, "country" text not null, "client" text not null, "environment" text not null, ${ENGAGEMENT.map((c) => `"${c}" int not null default 0`).join(', ')}) with (fillfactor = 70);`,
    );
    this.addSql(`alter table "analytics_engagement_hourly" add constraint "analytics_engagement_hourly_key" unique nulls not distinct (${KEY}, "country", "client", "environment");`);
    this.addSql(`alter table "analytics_engagement_hourly" add constraint "analytics_engagement_hourly_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on delete cascade;`);

    this.addSql(
      `create table "reports" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "principal_key" text not null, "name" text not null, "description" text null, "filter" jsonb not null, "group_by" text check ("group_by" in ('HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR')) not null default 'DAY', "timezone" text not null default 'UTC', "breakdowns" text[] not null, "owner_scope" jsonb not null, constraint "reports_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "reports_account_id_principal_key_index" on "reports" ("account_id", "principal_key");`);
    this.addSql(`alter table "reports" add constraint "reports_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);

    this.addSql(
      `create table "report_schedules" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "report_id" uuid not null, "principal_key" text not null, "principal" jsonb not null, "cadence" text check ("cadence" in ('DAILY', 'WEEKLY', 'MONTHLY')) not null, "recipients" text[] not null, "next_run_at" timestamptz not null, "last_sent_at" timestamptz null, "last_error" text null, constraint "report_schedules_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "report_schedules" add constraint "report_schedules_report_id_principal_key_unique" unique ("report_id", "principal_key");`);
    this.addSql(`alter table "report_schedules" add constraint "report_schedules_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "report_schedules" add constraint "report_schedules_report_id_foreign" foreign key ("report_id") references "reports" ("id") on update cascade on delete cascade;`);
    this.addSql(`create index "report_schedules_next_run_at_index" on "report_schedules" ("next_run_at");`);
    this.addSql(`alter table "system_emails" drop constraint if exists "system_emails_kind_check";`);
    this.addSql(`alter table "system_emails" add constraint "system_emails_kind_check" check("kind" in ('SENDER_CONFIRMATION', 'MEMBER_INVITATION', 'WEBHOOK_DISABLED', 'ANALYTICS_REPORT'));`);
  }
}
