import type { MikroORM } from '@mikro-orm/postgresql';
import { systemEm } from '../../context';
import type { Logger } from '../../lib/logger';
import { publishAllOnCommit } from '../../pubsub/bus';
import { type Attempt, type DeliveriesUpdatedEvent, WEBHOOK_DELIVERY_TOPIC } from './webhook-attempt';
import { WebhookDeliveryStatus } from './webhook-delivery.entity';
import { type DueDelivery, storeOutcomes, withBindParams } from './webhook-delivery.queries';

/** One answered attempt of a delivery, waiting for its outcome to be stored. */
export interface Answered {
  d: DueDelivery;
  attempt: Attempt;
}

/** The webhook a delivery belongs to, as announcements and stamps need it. */
export interface WebhookRef {
  id: string;
  accountId: string;
}

/** How long announcements gather before they go out together (subscribers see changes this much later at most). */
const ANNOUNCE_EVERY_MS = 50;

/** Delivery ids per bus message: a NOTIFY payload holds at most 8,000 bytes. */
const IDS_PER_MESSAGE = 150;

/** Announces delivery changes to webhookDeliveryUpdated subscribers, after their commit. */
export interface DeliveryNotices {
  /** Queues the announcement of committed changes of one webhook's deliveries (never waits for it). */
  publish(webhook: WebhookRef, deliveryIds: readonly string[]): void;
}

/**
 * Announcements on the bus (NOTIFY), gathered for ANNOUNCE_EVERY_MS and sent in one statement, one
 * message per webhook (up to IDS_PER_MESSAGE ids): at a thousand deliveries a second that is twenty
 * statements, not a thousand, and as few messages for every listening process to parse. They are off
 * the delivery path because PostgreSQL takes one lock, shared by every database of the server, for
 * the commit of each transaction that notifies — a dispatcher that notified in its outcome statement
 * would wait there for every other notifier's commit. Subscriptions are live only: an announcement
 * lost in a crash costs a subscriber one update, never a delivery. Side effects: database NOTIFY.
 */
function createDeliveryNotices(orm: MikroORM, logger: Logger): DeliveryNotices {
  let queued = new Map<string, DeliveriesUpdatedEvent>();
  let timer: NodeJS.Timeout | null = null;
  let sending: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = null;
    const batch = [...queued.values()].flatMap((e) => {
      const out: DeliveriesUpdatedEvent[] = [];
      for (let i = 0; i < e.deliveryIds.length; i += IDS_PER_MESSAGE) out.push({ ...e, deliveryIds: e.deliveryIds.slice(i, i + IDS_PER_MESSAGE) });
      return out;
    });
    queued = new Map();
    // One statement at a time, in order.
    sending = sending.then(() =>
      publishAllOnCommit(systemEm(orm), WEBHOOK_DELIVERY_TOPIC, batch).catch((err: Error) => logger.warn({ err: err.message, count: batch.length }, 'webhook delivery announcements failed')),
    );
  };
  return {
    publish(webhook, deliveryIds) {
      if (deliveryIds.length === 0) return;
      const e = queued.get(webhook.id);
      if (e) e.deliveryIds.push(...deliveryIds);
      else queued.set(webhook.id, { webhookId: webhook.id, accountId: webhook.accountId, deliveryIds: [...deliveryIds] });
      if (!timer) timer = setTimeout(flush, ANNOUNCE_EVERY_MS).unref();
    },
  };
}

/** Stores successful attempts for every dispatcher of the process, together. */
export interface SuccessStore {
  /** Stores a success (and the webhook's last success, with `stamp`); resolves once it is committed. */
  store(webhook: WebhookRef, a: Answered, stamp: boolean): Promise<void>;
}

/**
 * Group commit across the process's dispatchers: successes answered while a statement runs are stored
 * by the next one, whatever their webhook (one statement at a time), then announced. The fewer the
 * statements, the fewer the round trips and socket writes per delivery: under load the groups grow.
 * Side effects: writes, announcements.
 */
function createSuccessStore(orm: MikroORM, notices: DeliveryNotices): SuccessStore {
  let waiting: { webhook: WebhookRef; a: Answered; stamp: boolean; done: () => void; fail: (e: unknown) => void }[] = [];
  let storing = false;
  const loop = async () => {
    while (waiting.length) {
      const group = waiting;
      waiting = [];
      try {
        const stamps = new Map(group.filter((g) => g.stamp).map((g) => [g.webhook.id, g.a.attempt.at]));
        await storeOutcomes(
          withBindParams(systemEm(orm)),
          group.map((g) => ({
            webhookId: g.webhook.id,
            outcome: { id: g.a.d.id, status: WebhookDeliveryStatus.SUCCEEDED, scheduleStep: g.a.d.scheduleStep, nextAttemptAt: null, attempt: g.a.attempt },
          })),
          [...stamps].map(([webhookId, at]) => ({ webhookId, at })),
        );
        for (const g of group) notices.publish(g.webhook, [g.a.d.id]);
        group.forEach((g) => g.done());
      } catch (err) {
        group.forEach((g) => g.fail(err));
      }
    }
    storing = false;
  };
  return {
    store: (webhook, a, stamp) =>
      new Promise<void>((done, fail) => {
        waiting.push({ webhook, a, stamp, done, fail });
        if (!storing) {
          storing = true;
          void loop();
        }
      }),
  };
}

/** What the dispatchers of one process share. */
export interface DispatchStores {
  successes: SuccessStore;
  notices: DeliveryNotices;
}

/** The dispatchers' shared stores of one process. */
export function createDispatchStores(orm: MikroORM, logger: Logger): DispatchStores {
  const notices = createDeliveryNotices(orm, logger);
  return { notices, successes: createSuccessStore(orm, notices) };
}
