import { Migration } from '@mikro-orm/migrations';

/** Sender identity addresses are unique per tenant, so a conflict reveals nothing about other clients. */
export class Migration20261126010000IdentityEmailPerTenant extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "sender_identities" drop constraint "sender_identities_account_id_email_unique";');
    this.addSql('alter table "sender_identities" add constraint "sender_identities_tenant_id_email_unique" unique ("tenant_id", "email");');
  }
}
