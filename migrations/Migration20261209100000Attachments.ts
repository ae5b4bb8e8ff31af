import { Migration } from '@mikro-orm/migrations';

/** Attachments: bytes once per account and content (attachment_blobs), and each message's attachments pointing to them; templates' default attachments (references). */
export class Migration20261209100000Attachments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "attachment_blobs" ("account_id" uuid not null, "sha256" text not null, "size" int not null, "bytes" bytea not null, "created_at" timestamptz not null, "last_used_at" timestamptz not null, constraint "attachment_blobs_pkey" primary key ("account_id", "sha256"));`,
    );
    this.addSql(`alter table "attachment_blobs" add constraint "attachment_blobs_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
    this.addSql(
      `create table "message_attachments" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "message_id" uuid not null, "tenant_id" uuid null, "domain_id" uuid not null, "sender_identity_id" uuid null, "position" int not null, "filename" text not null, "content_type" text not null, "disposition" text check ("disposition" in ('ATTACHMENT', 'INLINE')) not null default 'ATTACHMENT', "content_id" text null, "size" int not null, "blob_sha256" text not null, constraint "message_attachments_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "message_attachments_account_id_blob_sha256_index" on "message_attachments" ("account_id", "blob_sha256");`);
    this.addSql(`alter table "message_attachments" add constraint "message_attachments_message_id_position_unique" unique ("message_id", "position");`);
    // Existing templates get none; new rows always name theirs (the entity has no database default).
    this.addSql(`alter table "templates" add column "attachments" jsonb not null default '[]';`);
    this.addSql(`alter table "templates" alter column "attachments" drop default;`);
    for (const [col, table] of [
      ['account_id', 'accounts'],
      ['message_id', 'messages'],
      ['tenant_id', 'tenants'],
      ['domain_id', 'domains'],
      ['sender_identity_id', 'sender_identities'],
    ]) {
      this.addSql(`alter table "message_attachments" add constraint "message_attachments_${col}_foreign" foreign key ("${col}") references "${table}" ("id") on update cascade on delete cascade;`);
    }
  }
}
