import { Migration } from '@mikro-orm/migrations';

/**
 * Domain names are unique among an account's VERIFIED domains and within one client (or the
 * agency), no longer across the whole account: an unverified claim by one client neither tells it
 * that another client holds the name nor blocks that client's onboarding (see addDomain).
 */
export class Migration20261128000000DomainNameClaims extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "domains" drop constraint "domains_account_id_name_unique";');
    this.addSql(`create unique index "domains_account_id_name_verified_unique" on "domains" ("account_id", "name") where "status" = 'VERIFIED';`);
    this.addSql(`create unique index "domains_account_id_owner_name_unique" on "domains" ("account_id", coalesce("tenant_id", '00000000-0000-0000-0000-000000000000'), "name");`);
  }
}
