import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config';
import type { Deps } from './context';
import { initOrm } from './db/orm';
import { createDefaultDeps } from './deps';
import { migrateQueue, startWorker } from './jobs/queue';
import { createLogger } from './lib/logger';
import { startEventFeed } from './modules/activity/event-feed';
import { ENTITIES } from './modules/entities';
import { CRONTAB, createTaskList } from './modules/tasks';


/**
 * Runs only the job worker (delivery, bulk sends, DNS re-checks…) against DATABASE_URL, with
 * crash recovery: the pool registers itself as alive, and every few seconds the jobs of registered
 * pools whose process died are released to run again. Side effects: database, SMTP, DNS.
 */
async function startJobWorker(config: Config): Promise<{ stop(): Promise<void> }> {
  if (!config.databaseUrl) throw new ConfigError('The worker needs DATABASE_URL (the embedded database belongs to the server process)');
  const logger = createLogger(config.logLevel).child({ process: 'worker' });
  const orm = await initOrm(config.databaseUrl, ENTITIES, logger);
  await migrateQueue(config.databaseUrl, logger);
  // The feed carries the bus across processes: what jobs publish (domain status changes) reaches every server.
  const feed = await startEventFeed(config.databaseUrl, orm, logger);
  const deps: Deps = { ...createDefaultDeps(config, logger), feed, bus: feed.bus };
  const worker = await startWorker(config.databaseUrl, createTaskList({ orm, config, deps }), logger, config.workerConcurrency, CRONTAB);
  logger.info({ concurrency: config.workerConcurrency, deliveryMode: config.deliveryMode }, 'worker started');
  return {
    async stop() {
      await worker.stop();
      await feed.stop();
      await orm.close(true);
    },
  };
}

/** Entry point of `node dist/src/worker.js`: loadConfig → start the worker; SIGTERM/SIGINT stop it gracefully. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const worker = await startJobWorker(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal} received, stopping the worker`);
    worker.stop().then(
      () => process.exit(0),
      (e) => (console.error(e), process.exit(1)),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  console.error(e);
  process.exit(e instanceof ConfigError ? 2 : 1);
});
