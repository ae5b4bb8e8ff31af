import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook deliveries are sent by one dispatcher per webhook, which reads the webhook's due PENDING
 * deliveries in creation order: a partial index for that read. (Delivery jobs queued before the
 * upgrade, `webhook-deliver`, kick their webhook's dispatcher when they run.)
 */
export class Migration20261203000000WebhookDispatch extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "webhook_deliveries_pending_index" on "webhook_deliveries" ("webhook_id", "id") where "status" = 'PENDING';`);
  }
}
