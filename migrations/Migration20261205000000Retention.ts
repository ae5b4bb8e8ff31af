import { Migration } from '@mikro-orm/migrations';

/**
 * Data retention: each tenant keeps its messages and events `retention_days` (default 180) and, when
 * set, their content (subject, bodies, raw MIME, variables, headers) only `content_retention_days`.
 * The daily retention job walks each tenant's old messages by (account, tenant, created_at).
 */
export class Migration20261205000000Retention extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "tenants" add column "retention_days" int not null default 180, add column "content_retention_days" int null;`);
    this.addSql(`create index "messages_account_id_tenant_id_created_at_id_index" on "messages" ("account_id", "tenant_id", "created_at", "id");`);
  }
}
