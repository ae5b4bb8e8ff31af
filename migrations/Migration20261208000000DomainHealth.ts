import { Migration } from '@mikro-orm/migrations';

/** The last judged health status per domain, so domainHealthChanged fires on a change only. */
export class Migration20261208000000DomainHealth extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "domain_health_states" (
      "domain_id" uuid not null primary key references "domains" ("id") on delete cascade,
      "account_id" uuid not null references "accounts" ("id") on delete cascade,
      "tenant_id" uuid null references "tenants" ("id") on delete cascade,
      "status" text not null check ("status" in ('HEALTHY', 'WARNING', 'CRITICAL')),
      "changed_at" timestamptz not null,
      "checked_at" timestamptz not null
    );`);
    this.addSql(`create index "domain_health_states_account_id_index" on "domain_health_states" ("account_id");`);
  }
}
