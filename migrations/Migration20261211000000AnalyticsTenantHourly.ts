import { Migration } from '@mikro-orm/migrations';

const COUNTS = ['queued', 'sent', 'delivered', 'deferred', 'soft_bounced', 'hard_bounced', 'opened', 'opened_unique', 'clicked', 'clicked_unique', 'unsubscribed', 'spam_complaint', 'suppressed'];

/**
 * Each tenant's own totals per UTC hour (one row a tenant and hour): what a tenant's unfiltered series
 * and totals read — the agency's view of one client, and the client's own dashboard — instead of every
 * owner/template row of the tenant. Kept by the `analytics-rollups` consumer beside the other rollups;
 * filled in here from the hourly rollups already made (their tag-less rows are the tenant's events).
 * The owner rows' domain and identity indexes gain the tenant before the hour, so a tenant's read can
 * find the rows its domains and identities reach under another tenant (normally none) as index ranges.
 */
export class Migration20261211000000AnalyticsTenantHourly extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "analytics_hourly_tenant" ("account_id" uuid not null, "tenant_id" uuid not null, "hour" timestamptz not null, ${COUNTS.map((c) => `"${c}" int not null default 0`).join(', ')}, constraint "analytics_hourly_tenant_pkey" primary key ("account_id", "tenant_id", "hour")) with (fillfactor = 70);`,
    );
    this.addSql(
      `insert into "analytics_hourly_tenant" ("account_id", "tenant_id", "hour", ${COUNTS.map((c) => `"${c}"`).join(', ')})
       select "account_id", "tenant_id", "hour", ${COUNTS.map((c) => `sum("${c}")::int`).join(', ')} from "analytics_hourly"
       where "tag" is null and "tenant_id" is not null group by 1, 2, 3;`,
    );
    this.addSql(`drop index "analytics_hourly_domain_index";`);
    this.addSql(`create index "analytics_hourly_domain_index" on "analytics_hourly" ("account_id", "domain_id", "tenant_id", "hour") where "tag" is null;`);
    this.addSql(`drop index "analytics_hourly_identity_index";`);
    this.addSql(
      `create index "analytics_hourly_identity_index" on "analytics_hourly" ("account_id", "sender_identity_id", "tenant_id", "hour") where "tag" is null and "sender_identity_id" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "analytics_hourly_domain_index";`);
    this.addSql(`create index "analytics_hourly_domain_index" on "analytics_hourly" ("account_id", "domain_id", "hour") where "tag" is null;`);
    this.addSql(`drop index "analytics_hourly_identity_index";`);
    this.addSql(`create index "analytics_hourly_identity_index" on "analytics_hourly" ("account_id", "sender_identity_id", "hour") where "tag" is null and "sender_identity_id" is not null;`);
    this.addSql(`drop table "analytics_hourly_tenant";`);
  }
}
