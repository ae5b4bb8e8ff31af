import { Migration } from '@mikro-orm/migrations';

/**
 * The erasure log (GDPR art. 17): who erased which recipient (as a keyed hash, never the address) in
 * which tenant, when, and how many rows changed. The tenant id is kept without a foreign key, so the
 * record outlives the tenant.
 */
export class Migration20261205010000Erasures extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "erasure_requests" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "account_id" uuid not null, "tenant_id" uuid not null, "principal_key" text not null, "principal_label" text not null, "email_hash" text not null, "messages" int not null, "events" int not null, "suppressions" int not null, "soft_bounces" int not null, "webhook_deliveries" int not null, constraint "erasure_requests_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "erasure_requests_account_id_id_index" on "erasure_requests" ("account_id", "id");`);
    this.addSql(`alter table "erasure_requests" add constraint "erasure_requests_account_id_foreign" foreign key ("account_id") references "accounts" ("id") on update cascade on delete cascade;`);
  }
}
