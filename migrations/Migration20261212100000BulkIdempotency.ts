import { Migration } from '@mikro-orm/migrations';

/**
 * sendBulkEmail takes an idempotency key (REST: the Idempotency-Key header of POST /v1/bulk-email): its
 * record names the bulk send it created. Nullable: a sendEmail's record keeps naming its messages.
 */
export class Migration20261212100000BulkIdempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "idempotency_records" add column "bulk_send_id" uuid null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "idempotency_records" drop column "bulk_send_id";`);
  }
}
