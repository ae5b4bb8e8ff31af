import { Migration } from '@mikro-orm/migrations';

/**
 * Request logs and the audit log.
 *
 * `request_logs` holds one row per GraphQL operation (written in batches by each process's writer, see
 * src/modules/logs/request-log-writer.ts), partitioned by day on `at`; `mailroom_ensure_request_log_partitions`
 * creates days ahead (a daily job and every start), a default partition catches anything outside them, and the
 * retention job drops whole days. Raw SQL only (src/modules/logs/request-logs.queries.ts): no entity maps it.
 * The owner columns are those of the calling principal's scope (a tenant, domain or identity token), so a
 * scoped reader sees the calls of principals inside its scope only.
 *
 * `audit_entries` holds one row per change by a member or token, written in the changing transaction; its
 * owner columns are the changed object's.
 */
export class Migration20261207000000RequestLogsAudit extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "request_logs" ("id" uuid not null, "at" timestamptz not null, "account_id" uuid not null, "request_id" text not null, "transport" text not null, "principal_kind" text not null, "token_id" uuid null, "membership_id" uuid null, "principal_name" text not null, "tenant_id" uuid null, "domain_id" uuid null, "sender_identity_id" uuid null, "touched_tenant_ids" uuid[] not null, "touched_domain_ids" uuid[] not null, "operation_type" text not null, "operation_name" text null, "fields" text[] not null, "outcome" text not null, "codes" text[] not null, "status" int null, "duration_ms" int not null, "bytes" int not null, "ip" text null, "user_agent" text null, "request" jsonb not null, "response" jsonb null, constraint "request_logs_pkey" primary key ("id", "at")) partition by range ("at");`,
    );
    this.addSql(`create index "request_logs_account_id_id_index" on "request_logs" ("account_id", "id");`);
    this.addSql(`create index "request_logs_account_id_token_id_id_index" on "request_logs" ("account_id", "token_id", "id");`);
    this.addSql(`create table "request_logs_default" partition of "request_logs" default;`);
    this.addSql(`create or replace function mailroom_ensure_request_log_partitions(days_back int, days_ahead int) returns void language plpgsql as $$
      declare d date; name text;
      begin
        for i in -days_back..days_ahead loop
          d := (date_trunc('day', now() at time zone 'UTC') + make_interval(days => i))::date;
          name := 'request_logs_' || to_char(d, 'YYYYMMDD');
          if to_regclass(name) is null then
            execute format('create table %I partition of request_logs for values from (%L) to (%L)', name, d::timestamp at time zone 'UTC', (d + 1)::timestamp at time zone 'UTC');
          end if;
        end loop;
      end $$;`);
    this.addSql(`select mailroom_ensure_request_log_partitions(1, 3);`);

    this.addSql(
      `create table "audit_entries" ("id" uuid not null, "at" timestamptz not null, "account_id" uuid not null, "actor_kind" text not null, "actor_id" uuid not null, "actor_name" text not null, "action" text not null, "target_type" text not null, "target_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid null, "sender_identity_id" uuid null, "changes" jsonb not null, "request_id" text null, "ip" text null, constraint "audit_entries_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_entries_account_id_id_index" on "audit_entries" ("account_id", "id");`);
    this.addSql(`alter table "audit_entries" add constraint "audit_entries_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
  }
}
