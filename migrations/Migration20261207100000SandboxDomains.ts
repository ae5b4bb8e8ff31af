import { Migration } from '@mikro-orm/migrations';

/** The sandbox domain flag: a domain verified by construction that sends only with DELIVERY_MODE=sandbox. */
export class Migration20261207100000SandboxDomains extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "domains" add column "sandbox" boolean not null default false;`);
  }
}
