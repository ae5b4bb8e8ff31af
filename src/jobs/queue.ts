import type { EntityManager } from '@mikro-orm/postgresql';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { Logger as WorkerLogger, run, runMigrations, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import type { JobQueue } from '../context';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import { type PoolLiveness, registerPool, releaseDeadPools } from './worker-liveness';

/** The durable queue: graphile-worker's `add_job`, called inside the caller's transaction. */
export function createJobQueue(): JobQueue {
  return {
    async add(em: EntityManager, task, payload, opts = {}) {
      await em.execute('select graphile_worker.add_job(?, ?::json, run_at => ?::timestamptz, job_key => ?, max_attempts => ?, job_key_mode => ?)', [
        task,
        JSON.stringify(payload),
        (opts.runAt ?? new Date()).toISOString(),
        opts.jobKey ?? null,
        opts.maxAttempts ?? 25,
        opts.jobKey ? (opts.jobKeyMode ?? 'replace') : null,
      ]);
    },
    async addMany(em: EntityManager, jobs) {
      if (jobs.length === 0) return;
      const modes = new Set(jobs.filter((j) => j.opts?.jobKey).map((j) => j.opts?.jobKeyMode ?? 'replace'));
      if (modes.size > 1) throw new Error('addMany: keyed jobs of one call must share one jobKeyMode');
      const specs = jobs.map((j) => ({
        identifier: j.task,
        payload: j.payload,
        run_at: (j.opts?.runAt ?? new Date()).toISOString(),
        max_attempts: j.opts?.maxAttempts ?? 25,
        job_key: j.opts?.jobKey ?? null,
      }));
      // graphile-worker picks jobs by run_at alone: 1 µs steps keep the list's order among jobs due at the same time.
      await em.execute(
        `select count(*) from graphile_worker.add_jobs(array(
           select row(x->>'identifier', x->'payload', null, (x->>'run_at')::timestamptz + (n - 1) * interval '1 microsecond',
                      (x->>'max_attempts')::int, x->>'job_key', null, null)::graphile_worker.job_spec
           from json_array_elements(?::json) with ordinality as t(x, n) order by n), ?)`,
        [JSON.stringify(specs), modes.has('preserve_run_at')],
      );
    },
  };
}

/** Removes a queued job by its key (a no-op when it is gone or running), inside the caller's transaction. Side effect: write. */
export async function removeJob(em: EntityManager, jobKey: string): Promise<void> {
  await em.execute('select graphile_worker.remove_job(?)', [jobKey]);
}

function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const l = logger.child({ component: 'worker', ...scope });
    // A job's own lines ("Completed task … with success") are per-job chatter: debug, not info.
    const perJob = scope.jobId !== undefined || scope.taskIdentifier !== undefined || (meta !== undefined && 'job' in meta);
    const fn = level === 'error' ? l.error : level === 'warning' ? l.warn : level === 'info' && !perJob ? l.info : l.debug;
    fn.call(l, meta ?? {}, message);
  });
}

/** Times each job from its start to its end into the metrics, by task and result. */
function timeJobs(events: WorkerEvents, metrics: Metrics): void {
  const started = new Map<string, bigint>();
  events.on('job:start', ({ job }) => void started.set(job.id, process.hrtime.bigint()));
  events.on('job:complete', ({ job, error }) => {
    const t0 = started.get(job.id);
    started.delete(job.id);
    if (t0 !== undefined) metrics.job(job.task_identifier, !error, Number(process.hrtime.bigint() - t0) / 1e9);
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

const RECOVERY_INTERVAL_MS = 5000;

/**
 * Starts the job runner on a pool of its own, with crash recovery: each worker pool registers
 * itself as alive (a session advisory lock, see worker-liveness.ts), and every few seconds the jobs
 * held by registered pools whose process died are released to run again — instead of after
 * graphile-worker's 4-hour lock expiry. Side effects: polls and LISTENs on the database; runs tasks.
 */
export async function startWorker(url: string, taskList: TaskList, logger: Logger, concurrency = 4, crontab = '', metrics?: Metrics): Promise<Worker> {
  const pgPool = new pg.Pool({ connectionString: url, max: concurrency + 3 });
  pgPool.on('error', (err) => logger.warn({ component: 'worker', err: err.message }, 'idle worker connection failed'));
  pgPool.on('connect', (client) => client.on('error', (err) => logger.warn({ component: 'worker', err: err.message }, 'worker connection failed')));
  const liveness: Promise<PoolLiveness>[] = [];
  const events = new EventEmitter() as WorkerEvents;
  events.on('pool:create', ({ workerPool }) => liveness.push(registerPool(pgPool, workerPool.id, logger)));
  if (metrics) timeJobs(events, metrics);
  const recover = async () => {
    const dead = await releaseDeadPools(pgPool).catch((err: Error) => (logger.warn({ err: err.message }, 'crash recovery check failed'), 0));
    if (dead) logger.info({ dead }, 'released the jobs of worker pools whose process died');
  };
  await recover();
  const runner: Runner = await run({ pgPool, taskList, crontab, concurrency, noHandleSignals: true, pollInterval: 1000, logger: workerLogger(logger), events });
  await Promise.all(liveness);
  const timer = setInterval(() => void recover(), RECOVERY_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await runner.stop();
      for (const l of await Promise.all(liveness)) await l.release();
      await pgPool.end();
    },
  };
}
