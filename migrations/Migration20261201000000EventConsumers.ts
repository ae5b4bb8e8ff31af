import { Migration } from '@mikro-orm/migrations';

/**
 * Durable event consumers: one cursor row per consumer (the last event id it applied), advanced in
 * the same transaction as the consumer's own writes; a row lock on it lets one process run a
 * consumer at a time. Failures back off without blocking other consumers (see src/events/consumers.ts).
 */
export class Migration20261201000000EventConsumers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "event_consumers" (
      "name" text not null,
      "last_event_id" bigint not null,
      "last_event_at" timestamptz null,
      "processed" bigint not null default 0,
      "failures" int not null default 0,
      "retry_at" timestamptz null,
      "last_error" text null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "event_consumers_pkey" primary key ("name"));`);
  }
}
