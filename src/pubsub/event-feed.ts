import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { systemEm } from '../context';
import type { Logger } from '../lib/logger';
import { type EventRow, toEventRow } from '../events/event-row';
import { BUS_CHANNEL, createBus, type LocalBus } from './bus';
import { EVENTS_AFTER_SQL, EVENTS_CHANNEL, lastEventId } from '../events/events.queries';

/** Live events of this process: every committed event, in id (= commit) order, once. */
export interface EventFeed {
  /** Calls `listener` for each new event until the returned function is called. */
  subscribe(listener: (row: EventRow) => void): () => void;
  /** The id of the last event handed out. */
  lastId(): string;
  stop(): Promise<void>;
}

const BATCH = 1000;

/**
 * Starts the feed: one dedicated connection LISTENs on the events channel; each notification
 * (coalesced while a read runs) reads every event after the last id seen, in one query per 1,000,
 * and hands each to the local listeners. The events table is the truth: a dropped connection
 * reconnects and resumes from the last id, so nothing is missed or repeated. The same connection
 * carries the cross-process bus (`bus`), e.g. domain status changes published by the worker.
 * Side effects: holds a database connection.
 */
export async function startEventFeed(url: string, orm: MikroORM, logger: Logger): Promise<EventFeed & { bus: LocalBus; listening(): boolean }> {
  const listeners = new Set<(row: EventRow) => void>();
  const bus = createBus((message) => {
    systemEm(orm)
      .execute('select pg_notify(?, ?)', [BUS_CHANNEL, message])
      .catch((err: Error) => logger.error({ err: err.message }, 'bus publish failed'));
  });
  let last = await lastEventId(systemEm(orm));
  let client: pg.Client | null = null;
  let reading = false;
  let again = false;
  let stopped = false;

  async function pump(): Promise<void> {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        let rows: EventRow[];
        do {
          if (!client) return;
          const res = await client.query(EVENTS_AFTER_SQL, [last, BATCH]);
          rows = res.rows.map(toEventRow);
          for (const row of rows) {
            last = row.id;
            for (const l of listeners) {
              try {
                l(row);
              } catch (err) {
                logger.error({ err }, 'event listener failed');
              }
            }
          }
        } while (rows.length === BATCH);
      } while (again);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'event feed read failed; will retry on the next notification or reconnect');
    } finally {
      reading = false;
    }
  }

  function reconnectSoon(): void {
    if (stopped) return;
    setTimeout(() => {
      connect().catch((err) => {
        logger.warn({ err: (err as Error).message }, 'event feed reconnect failed');
        reconnectSoon();
      });
    }, 1000).unref();
  }

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL) return void pump();
      try {
        const { topic, payload } = JSON.parse(n.payload ?? '{}') as { topic: string; payload: unknown };
        bus.deliver(topic, payload);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'malformed bus message');
      }
    });
    c.on('error', (err) => logger.warn({ err: err.message }, 'event feed connection failed'));
    c.on('end', () => {
      if (client === c) client = null;
      reconnectSoon();
    });
    await c.connect();
    await c.query(`LISTEN ${EVENTS_CHANNEL}`);
    await c.query(`LISTEN ${BUS_CHANNEL}`);
    client = c;
    // Anything committed while (re)connecting.
    await pump();
  }

  await connect();
  return {
    bus,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    lastId: () => last,
    listening: () => client !== null,
    async stop() {
      stopped = true;
      const c = client;
      client = null;
      await c?.end();
    },
  };
}
