import { Migration } from '@mikro-orm/migrations';

/** The foundation schema: accounts, tenants, domains, sender identities, templates, tokens, members. */
export class Migration20261126000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "accounts" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" text not null, constraint "accounts_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "system_emails" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "kind" text check ("kind" in ('SENDER_CONFIRMATION', 'MEMBER_INVITATION')) not null, "tenant_id" uuid null, "sender_identity_id" uuid null, "to_email" text not null, "subject" text not null, "text" text not null, "raw" text not null, "message_id" text not null, constraint "system_emails_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "system_emails_account_id_index" on "system_emails" ("account_id");`);
    this.addSql(
      `create table "tenants" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "name" text not null, "tag" text not null, constraint "tenants_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "tenants" add constraint "tenants_account_id_tag_unique" unique ("account_id", "tag");`);
    this.addSql(
      `create table "domains" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid null, "name" text not null, "status" text check ("status" in ('PENDING', 'VERIFIED', 'FAILED')) not null default 'PENDING', "dkim_selector" text not null, "dkim_public_key" text not null, "dkim_private_key_encrypted" text not null, "return_path_subdomain" text not null, "tracking_subdomain" text null, "inbound_subdomain" text null, "dns_records" jsonb not null, "last_checked_at" timestamptz null, "verified_at" timestamptz null, "recheck_until" timestamptz not null, constraint "domains_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "domains_tenant_id_index" on "domains" ("tenant_id");`);
    this.addSql(`alter table "domains" add constraint "domains_account_id_name_unique" unique ("account_id", "name");`);
    this.addSql(
      `create table "templates" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "domain_id" uuid not null, "tenant_id" uuid null, "name" text not null, "description" text null, "categories" text[] not null, "tags" text[] not null, "subject" text not null, "from_email" text null, "from_name" text null, "reply_to_email" text null, "reply_to_name" text null, "html" text null, "text" text null, "variables" text[] not null, constraint "templates_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "templates_tenant_id_index" on "templates" ("tenant_id");`);
    this.addSql(`create index "templates_domain_id_index" on "templates" ("domain_id");`);
    this.addSql(`create index "templates_account_id_index" on "templates" ("account_id");`);
    this.addSql(
      `create table "sender_identities" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid not null, "domain_id" uuid not null, "email" text not null, "name" text null, "reply_to_email" text null, "reply_to_name" text null, "personal_note" text null, "status" text check ("status" in ('PENDING', 'CONFIRMED')) not null default 'PENDING', "confirmed_at" timestamptz null, "confirmation_token_hash" text null, "confirmation_expires_at" timestamptz null, "confirmation_sent_at" timestamptz null, "dmarc_policy" text null, constraint "sender_identities_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "sender_identities_domain_id_index" on "sender_identities" ("domain_id");`);
    this.addSql(`create index "sender_identities_tenant_id_index" on "sender_identities" ("tenant_id");`);
    this.addSql(`alter table "sender_identities" add constraint "sender_identities_account_id_email_unique" unique ("account_id", "email");`);
    this.addSql(
      `create table "api_tokens" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "name" text not null, "permissions" text[] not null, "tenant_id" uuid null, "domain_id" uuid null, "sender_identity_id" uuid null, "secret_hash" text not null, "preview" text not null, "expires_at" timestamptz null, "paused_at" timestamptz null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "api_tokens_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "api_tokens" add constraint "api_tokens_secret_hash_unique" unique ("secret_hash");`);
    this.addSql(`create index "api_tokens_sender_identity_id_index" on "api_tokens" ("sender_identity_id");`);
    this.addSql(`create index "api_tokens_domain_id_index" on "api_tokens" ("domain_id");`);
    this.addSql(`create index "api_tokens_tenant_id_index" on "api_tokens" ("tenant_id");`);
    this.addSql(`create index "api_tokens_account_id_index" on "api_tokens" ("account_id");`);
    this.addSql(
      `create table "users" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "email" text not null, "name" text null, "password_hash" text null, constraint "users_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(
      `create table "memberships" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "user_id" uuid not null, "role" text check ("role" in ('ADMIN', 'MANAGER', 'DESIGNER', 'ACCOUNTANT', 'CUSTOM')) not null, "custom_permissions" text[] not null, "all_domains" boolean not null default true, "domain_ids" uuid[] not null, "template_ids" uuid[] null, "status" text check ("status" in ('INVITED', 'ACTIVE')) not null default 'INVITED', "invitation_token_hash" text null, "invitation_expires_at" timestamptz null, "accepted_at" timestamptz null, constraint "memberships_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "memberships_user_id_index" on "memberships" ("user_id");`);
    this.addSql(`alter table "memberships" add constraint "memberships_account_id_user_id_unique" unique ("account_id", "user_id");`);
    this.addSql(
      `create table "sessions" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "membership_id" uuid not null, "token_hash" text not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "sessions_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "sessions" add constraint "sessions_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "sessions_membership_id_index" on "sessions" ("membership_id");`);
    this.addSql(`alter table "system_emails" add constraint "system_emails_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tenants" add constraint "tenants_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "domains" add constraint "domains_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "domains" add constraint "domains_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "templates" add constraint "templates_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "templates" add constraint "templates_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "templates" add constraint "templates_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "sender_identities" add constraint "sender_identities_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "sender_identities" add constraint "sender_identities_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "sender_identities" add constraint "sender_identities_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "api_tokens" add constraint "api_tokens_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "api_tokens" add constraint "api_tokens_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "api_tokens" add constraint "api_tokens_domain_id_foreign" foreign key ("domain_id") references "domains" ("id") on update cascade on delete cascade;`);
    this.addSql(
      `alter table "api_tokens" add constraint "api_tokens_sender_identity_id_foreign" foreign key ("sender_identity_id") references "sender_identities" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "memberships" add constraint "memberships_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "memberships" add constraint "memberships_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "sessions" add constraint "sessions_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "sessions" add constraint "sessions_membership_id_foreign" foreign key ("membership_id") references "memberships" ("id") on update cascade on delete cascade;`);
  }
}
