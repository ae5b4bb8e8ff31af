import type { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared } from '../db/raw-params.queries';
import { createPubSub } from '@graphql-yoga/subscription';
import type { Bus } from '../context';

import { busMessage, notifyEachStatement } from './bus-message';

export { BUS_CHANNEL } from './bus-message';

/** A bus whose subscribers live in this process; `deliver` hands it a message that arrived. */
export interface LocalBus extends Bus {
  deliver(topic: string, payload: unknown): void;
}

/**
 * A bus that publishes through PostgreSQL NOTIFY (`send`), so every server process — API and
 * worker alike — hears it on its LISTEN connection and delivers to its own subscribers.
 * Publishers call it only after their transaction commits; payloads carry ids, never data.
 */
export function createBus(send: (message: string) => void): LocalBus {
  const local = createPubSub<Record<string, [unknown]>>();
  return {
    publish: (topic, payload) => send(busMessage(topic, payload)),
    subscribe: (topic) => local.subscribe(topic)[Symbol.asyncIterator]() as AsyncIterableIterator<unknown>,
    deliver: (topic, payload) => local.publish(topic, payload),
  };
}

/**
 * Publishes on the bus as part of `em`'s transaction: PostgreSQL delivers a NOTIFY only when its
 * transaction commits (and drops it on rollback), so subscribers never hear of a write that did not
 * commit. For writers that cannot publish after their commit themselves (event consumers). Payloads: ids only.
 */
export async function publishOnCommit(em: EntityManager, topic: string, payload: unknown): Promise<void> {
  await publishAllOnCommit(em, topic, [payload]);
}

/** Like publishOnCommit for several messages of one topic, in one statement (one round trip, however many). */
export async function publishAllOnCommit(em: EntityManager, topic: string, payloads: readonly unknown[]): Promise<void> {
  if (payloads.length === 0) return;
  const { text, values } = notifyEachStatement(topic, payloads);
  await executePrepared(em, 'bus-notify-each', text, values);
}
