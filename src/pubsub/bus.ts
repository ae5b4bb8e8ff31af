import { createPubSub } from '@graphql-yoga/subscription';
import type { Bus } from '../context';

/** In-process event bus (one server process). Publishers call it only after their transaction commits. */
export function createInProcessBus(): Bus {
  const ps = createPubSub<Record<string, [unknown]>>();
  return {
    publish: (topic, payload) => ps.publish(topic, payload),
    subscribe: (topic) => ps.subscribe(topic)[Symbol.asyncIterator]() as AsyncIterableIterator<unknown>,
  };
}
