import { Migration } from '@mikro-orm/migrations';

/**
 * Worker pools that take part in crash recovery: each live pool holds a session advisory lock on
 * its id; a row whose lock is gone belongs to a process that died, and its jobs are released at
 * once instead of after graphile-worker's 4-hour lock expiry (see src/jobs/worker-liveness.ts).
 */
export class Migration20261127000000WorkerPools extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "worker_pools" ("id" text not null, "started_at" timestamptz not null default now(), "host" text not null, "pid" int not null, constraint "worker_pools_pkey" primary key ("id"));`,
    );
  }
}
