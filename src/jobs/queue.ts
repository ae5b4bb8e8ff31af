import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList } from 'graphile-worker';
import type { JobQueue } from '../context';
import type { Logger } from '../lib/logger';

/** The durable queue: graphile-worker's `add_job`, called inside the caller's transaction. */
export function createJobQueue(): JobQueue {
  return {
    async add(em: EntityManager, task, payload, opts = {}) {
      await em.execute(
        'select graphile_worker.add_job(?, ?::json, run_at => ?::timestamptz, job_key => ?, max_attempts => ?, job_key_mode => ?)',
        [task, JSON.stringify(payload), (opts.runAt ?? new Date()).toISOString(), opts.jobKey ?? null, opts.maxAttempts ?? 25, opts.jobKey ? 'replace' : null],
      );
    },
  };
}

function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const l = logger.child({ component: 'worker', ...scope });
    const fn = level === 'error' ? l.error : level === 'warning' ? l.warn : level === 'info' ? l.info : l.debug;
    fn.call(l, meta ?? {}, message);
  });
}

/** Installs graphile-worker's schema (idempotent). */
export async function migrateQueue(url: string, logger: Logger): Promise<void> {
  await runMigrations({ connectionString: url, logger: workerLogger(logger) });
}

/** A running job worker and the pool it owns. */
export interface Worker {
  stop(): Promise<void>;
}

/**
 * Starts the job runner on a pool of its own (so a connection dropped during shutdown is logged,
 * not an unhandled error). Side effects: polls and LISTENs on the database; runs task handlers.
 */
export async function startWorker(url: string, taskList: TaskList, logger: Logger, concurrency = 4, crontab = ''): Promise<Worker> {
  const pgPool = new pg.Pool({ connectionString: url, max: concurrency + 2 });
  pgPool.on('error', (err) => logger.warn({ component: 'worker', err: err.message }, 'idle worker connection failed'));
  const runner: Runner = await run({ pgPool, taskList, crontab, concurrency, noHandleSignals: true, pollInterval: 1000, logger: workerLogger(logger) });
  return {
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
