import type { ConsumerRunner } from './events/consumers';
import { startConsumers } from './events/consumers';
import { PLATFORM_EVENTS_TOPIC } from './events/platform-events.queries';
import { startWorker } from './jobs/queue';
import type { Logger } from './lib/logger';
import type { TaskDeps } from './modules/module';
import { CONSUMERS, CRONTAB, createTaskList } from './modules/modules';

/** The background half of a process: the job worker and the event consumers. */
export interface Background {
  readonly consumers: ConsumerRunner;
  /** True until `stop` was called. */
  running(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts the job worker (every module's tasks and crontab) and every module's event consumers,
 * woken by the live event feed (activity events) and the bus (platform events). Side effects: polls and runs jobs and consumers against the database.
 */
export async function startBackground(td: TaskDeps, databaseUrl: string, logger: Logger): Promise<Background> {
  const worker = await startWorker(databaseUrl, createTaskList(td), logger, td.config.workerConcurrency, CRONTAB, td.deps.metrics);
  const consumers = await startConsumers({ orm: td.orm, consumers: CONSUMERS, deps: td, logger });
  const unsubscribe = td.deps.feed.subscribe(() => consumers.wake());
  const platform = td.deps.bus.subscribe(PLATFORM_EVENTS_TOPIC);
  void (async () => {
    for await (const _ of platform) consumers.wake();
  })();
  let running = true;
  return {
    consumers,
    running: () => running,
    async stop() {
      running = false;
      unsubscribe();
      await platform.return?.();
      await consumers.stop();
      await worker.stop();
    },
  };
}
