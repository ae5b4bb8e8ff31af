import { Migration } from '@mikro-orm/migrations';

/**
 * DMARC monitoring: a monitor per domain (its rua token), the aggregate reports received (once per
 * monitor, reporter and report id) and their rows (per source IP and result, read by range); and the
 * DMARC record a monitor wants, on the domain.
 */
export class Migration20261206100000DmarcMonitoring extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "dmarc_monitors" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid not null, "wanted_policy" text check ("wanted_policy" in ('NONE', 'QUARANTINE', 'REJECT')) not null default 'NONE', "rua_token" text not null, "current_record" text null, "record_valid" boolean not null default false, "record_note" text null, "last_checked_at" timestamptz null, constraint "dmarc_monitors_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "dmarc_monitors_account_id_id_index" on "dmarc_monitors" ("account_id", "id");`);
    this.addSql(`alter table "dmarc_monitors" add constraint "dmarc_monitors_rua_token_unique" unique ("rua_token");`);
    this.addSql(`alter table "dmarc_monitors" add constraint "dmarc_monitors_domain_id_unique" unique ("domain_id");`);
    this.addSql(
      `create table "dmarc_reports" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid not null, "monitor_id" uuid not null, "org_name" text not null, "email" text not null, "report_id" text not null, "begin_at" timestamptz not null, "end_at" timestamptz not null, "format" text check ("format" in ('RFC7489', 'RFC9990')) not null, "source" text check ("source" in ('MAIL', 'UPLOAD')) not null, "filename" text null, "policy_published" jsonb not null, "message_count" bigint not null, "record_count" int not null, constraint "dmarc_reports_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "dmarc_reports_account_id_monitor_id_begin_at_index" on "dmarc_reports" ("account_id", "monitor_id", "begin_at");`);
    this.addSql(`alter table "dmarc_reports" add constraint "dmarc_reports_monitor_reporter_report_unique" unique ("monitor_id", "org_name", "email", "report_id");`);
    this.addSql(
      `create table "dmarc_report_records" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid not null, "monitor_id" uuid not null, "report_id" uuid not null, "begin_at" timestamptz not null, "source_ip" text not null, "count" int not null, "disposition" text not null, "dkim_aligned" boolean not null, "spf_aligned" boolean not null, "header_from" text not null, "envelope_from" text null, "auth_results" jsonb not null, constraint "dmarc_report_records_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "dmarc_report_records_report_id_index" on "dmarc_report_records" ("report_id");`);
    this.addSql(`create index "dmarc_report_records_account_id_monitor_id_begin_at_index" on "dmarc_report_records" ("account_id", "monitor_id", "begin_at");`);
    this.addSql(`alter table "dmarc_monitors" add constraint "dmarc_monitors_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dmarc_monitors" add constraint "dmarc_monitors_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dmarc_monitors" add constraint "dmarc_monitors_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dmarc_reports" add constraint "dmarc_reports_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dmarc_reports" add constraint "dmarc_reports_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dmarc_reports" add constraint "dmarc_reports_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dmarc_reports" add constraint "dmarc_reports_monitor_id_foreign" foreign key ("monitor_id") references "dmarc_monitors" ("id") on update cascade on delete cascade;`);
    this.addSql(
      `alter table "dmarc_report_records" add constraint "dmarc_report_records_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "dmarc_report_records" add constraint "dmarc_report_records_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "dmarc_report_records" add constraint "dmarc_report_records_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "dmarc_report_records" add constraint "dmarc_report_records_monitor_id_foreign" foreign key ("monitor_id") references "dmarc_monitors" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "dmarc_report_records" add constraint "dmarc_report_records_report_id_foreign" foreign key ("report_id") references "dmarc_reports" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "domains" add column "dmarc_record" text null;`);
  }
}
