import { Migration } from '@mikro-orm/migrations';

/**
 * Suppressions: the lists of each sending domain (and the account-wide blocklist), unique per
 * (account, domain, recipient or pattern, list, sender identity) with nulls not distinct; the soft-bounce
 * tally the ON_HOLD rule counts; CSV imports; and each tenant's ON_HOLD rule. Every index leads with account_id.
 */
export class Migration20261202000000Suppressions extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "tenants" add column "on_hold_soft_bounce_threshold" int not null default 5, add column "on_hold_window_days" int not null default 30, add column "on_hold_hours" int not null default 72;`,
    );

    this.addSql(
      `create table "suppressions" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "domain_id" uuid null, "tenant_id" uuid null, "sender_identity_id" uuid null, "list" text check ("list" in ('HARD_BOUNCE', 'SPAM_COMPLAINT', 'UNSUBSCRIBE', 'ON_HOLD', 'BLOCKLIST')) not null, "recipient" text null, "pattern" text null, "like_pattern" text null, "reason" text null, "source" text check ("source" in ('EVENT', 'API', 'IMPORT')) not null, "origin_event_id" bigint null, "origin_message_id" uuid null, "origin_diagnostic" text null, "expires_at" timestamptz null, constraint "suppressions_pkey" primary key ("id"));`,
    );
    this.addSql(`create unique index "suppressions_entry_unique" on "suppressions" ("account_id", "domain_id", "recipient", "pattern", "list", "sender_identity_id") nulls not distinct;`);
    this.addSql(`create index "suppressions_account_id_id_index" on "suppressions" ("account_id", "id");`);
    this.addSql(`create index "suppressions_account_id_domain_id_id_index" on "suppressions" ("account_id", "domain_id", "id");`);
    this.addSql(`create index "suppressions_patterns_index" on "suppressions" ("account_id", "domain_id") where "like_pattern" is not null;`);
    this.addSql(`alter table "suppressions" add constraint "suppressions_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "suppressions" add constraint "suppressions_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "suppressions" add constraint "suppressions_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(
      `alter table "suppressions" add constraint "suppressions_sender_identity_id_foreign" foreign key ("sender_identity_id") references "sender_identities" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `create table "suppression_soft_bounces" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "domain_id" uuid not null, "sender_identity_id" uuid null, "recipient" text not null, "event_id" bigint not null, "occurred_at" timestamptz not null, "hold_id" uuid null, constraint "suppression_soft_bounces_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "suppression_soft_bounces_tally_index" on "suppression_soft_bounces" ("account_id", "domain_id", "recipient", "occurred_at");`);
    this.addSql(
      `alter table "suppression_soft_bounces" add constraint "suppression_soft_bounces_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "suppression_soft_bounces" add constraint "suppression_soft_bounces_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `create table "suppression_imports" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "principal_key" text not null, "domain_id" uuid null, "list" text check ("list" in ('HARD_BOUNCE', 'SPAM_COMPLAINT', 'UNSUBSCRIBE', 'ON_HOLD', 'BLOCKLIST')) not null, "status" text check ("status" in ('QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED')) not null default 'QUEUED', "total" int not null, "processed" int not null default 0, "added" int not null default 0, "skipped" int not null default 0, "invalid" int not null default 0, "rows" jsonb not null, constraint "suppression_imports_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "suppression_imports" add constraint "suppression_imports_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "suppression_imports" add constraint "suppression_imports_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
  }
}
