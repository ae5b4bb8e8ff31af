import { Migration } from '@mikro-orm/migrations';

/**
 * Request logs tell SMTP users apart: the messages submitted over SMTP are logged with transport SMTP and
 * principal kind SMTP_USER, under `smtp_user_id` (an SmtpUser; `token_id` stays null for them). The index
 * serves the `smtpUserIds` filter; it is partial (only SMTP rows), so the writer's other rows cost it nothing.
 * A nullable column on the partitioned parent reaches every daily partition.
 */
export class Migration20261210100000RequestLogSmtpUser extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "request_logs" add column "smtp_user_id" uuid null;`);
    this.addSql(`create index "request_logs_account_id_smtp_user_id_id_index" on "request_logs" ("account_id", "smtp_user_id", "id") where "smtp_user_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "request_logs_account_id_smtp_user_id_id_index";`);
    this.addSql(`alter table "request_logs" drop column "smtp_user_id";`);
  }
}
