import { Migration } from '@mikro-orm/migrations';

/** SMTP submission credentials, one domain or one sender identity each (password stored as SHA-256). */
export class Migration20261208200000SmtpUsers extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "smtp_users" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "name" text not null, "username" text not null, "password_hash" text not null, "enabled" boolean not null default true, "domain_id" uuid null, "sender_identity_id" uuid null, "last_used_at" timestamptz null, constraint "smtp_users_pkey" primary key ("id"), constraint "smtp_users_one_target" check (("domain_id" is null) <> ("sender_identity_id" is null)));`,
    );
    this.addSql(`alter table "smtp_users" add constraint "smtp_users_username_unique" unique ("username");`);
    this.addSql(`create index "smtp_users_account_id_index" on "smtp_users" ("account_id");`);
    this.addSql(`create index "smtp_users_domain_id_index" on "smtp_users" ("domain_id");`);
    this.addSql(`create index "smtp_users_sender_identity_id_index" on "smtp_users" ("sender_identity_id");`);
    this.addSql(`alter table "smtp_users" add constraint "smtp_users_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "smtp_users" add constraint "smtp_users_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(
      `alter table "smtp_users" add constraint "smtp_users_sender_identity_id_foreign" foreign key ("sender_identity_id") references "sender_identities" ("id") on update cascade on delete cascade;`,
    );
  }
}
