import 'reflect-metadata';
import type { Config } from './config';
import { ConfigError } from './config-read';
import type { Deps } from './context';
import { initOrm } from './db/orm';
import { createDefaultDeps } from './deps';
import { startBackground } from './background';
import { migrateQueue } from './jobs/queue';
import { createLogger } from './lib/logger';
import { startEventFeed } from './pubsub/event-feed';
import { ENTITIES } from './modules/modules';
import { runProcess } from './run-process';

/**
 * Runs only the job worker (delivery, bulk sends, DNS re-checks…) against DATABASE_URL, with
 * crash recovery: the pool registers itself as alive, and every few seconds the jobs of registered
 * pools whose process died are released to run again. Side effects: database, SMTP, DNS.
 */
async function startJobWorker(config: Config): Promise<{ stop(): Promise<void> }> {
  if (!config.databaseUrl) throw new ConfigError('The worker needs DATABASE_URL (the embedded database belongs to the server process)');
  const logger = createLogger(config.logLevel).child({ process: 'worker' });
  const orm = await initOrm(config.databaseUrl, ENTITIES, logger, undefined, { createDatabase: config.createDatabase });
  await migrateQueue(config.databaseUrl, logger);
  // The feed carries the bus across processes: what jobs publish (domain status changes) reaches every server.
  const feed = await startEventFeed(config.databaseUrl, orm, logger);
  const deps: Deps = { ...createDefaultDeps(config, logger), feed, bus: feed.bus };
  const worker = await startBackground({ orm, config, deps }, config.databaseUrl, logger);
  logger.info({ concurrency: config.workerConcurrency, deliveryMode: config.deliveryMode }, 'worker started');
  return {
    async stop() {
      await worker.stop();
      await feed.stop();
      await deps.renderer.close();
      await deps.webhookSender.close();
      await orm.close(true);
    },
  };
}

/** Entry point of `npm run worker`: loadConfig → start the worker; SIGTERM/SIGINT stop it gracefully. */
runProcess('worker', startJobWorker);
