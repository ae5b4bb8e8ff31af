import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the messages and bulkEmails lists (newest first): messages by status (SCHEDULED ones
 * among millions) and by recipient within an account; bulk sends by account and by their principal.
 */
export class Migration20261208100000MessageLists extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "messages_account_id_status_id_index" on "messages" ("account_id", "status", "id");`);
    this.addSql(`create index "messages_account_id_recipient_id_index" on "messages" ("account_id", "recipient", "id");`);
    this.addSql(`create index "bulk_sends_account_id_id_index" on "bulk_sends" ("account_id", "id");`);
    this.addSql(`create index "bulk_sends_account_id_principal_key_id_index" on "bulk_sends" ("account_id", "principal_key", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "messages_account_id_status_id_index";`);
    this.addSql(`drop index "messages_account_id_recipient_id_index";`);
    this.addSql(`drop index "bulk_sends_account_id_id_index";`);
    this.addSql(`drop index "bulk_sends_account_id_principal_key_id_index";`);
  }
}
