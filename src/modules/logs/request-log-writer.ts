import type { EntityManager } from '@mikro-orm/postgresql';
import type { Bus } from '../../context';
import type { OperationObserver } from '../../http/operation-observer';
import { pushTo } from '../../lib/collections';
import type { Logger } from '../../lib/logger';
import { type LoggedOperation, loggedOperation, type RequestLogInsert, toRequestLogRow } from './request-log-row';
import { insertRequestLogs, ownerAccounts } from './request-logs.queries';

/** Bus topic of committed request logs: `{ accountId, ids }` (ids only, never data). */
export const REQUEST_LOGGED = 'requestLogged';

/** What is published after a batch of one account's request logs committed. */
export interface RequestLoggedEvent {
  accountId: string;
  ids: string[];
}

/** The per-process request log writer. */
export interface RequestLogWriter {
  /** Takes an operation (at once, no I/O); the next flush writes it. */
  readonly observe: OperationObserver;
  /** Writes what is buffered now (also done every `flushMs`). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
}

/** How the writer batches. */
export interface RequestLogWriterOptions {
  /** Longest time an operation waits in the buffer (at most 1000: a crash loses at most that). */
  flushMs?: number;
  /** A buffer this full is flushed at once. */
  maxBatch?: number;
  /** A buffer this full drops new operations (the database is not keeping up); counted in the log. */
  maxBuffered?: number;
}

const IDS_PER_NOTIFY = 100;

/**
 * The one writer of request logs in a process (`systemEm`: an entity manager over every account): `observe` only buffers the operation; every `flushMs`
 * (and when `maxBatch` are waiting) the buffer is turned into rows (redaction happens here, off the
 * response path) and inserted in one statement, then one bus message per account names the new ids.
 * Flushes never overlap. A crash loses what was buffered: at most the last `flushMs` of operations.
 * A failed insert is logged and its batch dropped (logs never hold up the API).
 */
export function createRequestLogWriter(systemEm: () => EntityManager, bus: Bus, logger: Logger, opts: RequestLogWriterOptions = {}): RequestLogWriter {
  const flushMs = Math.min(opts.flushMs ?? 1000, 1000);
  const maxBatch = opts.maxBatch ?? 1000;
  const maxBuffered = opts.maxBuffered ?? 50_000;
  let buffer: LoggedOperation[] = [];
  let dropped = 0;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function write(batch: LoggedOperation[]): Promise<void> {
    const rows: RequestLogInsert[] = [];
    for (const op of batch) {
      try {
        const row = toRequestLogRow(op);
        if (row) rows.push(row);
      } catch (err) {
        logger.error({ err }, 'request log: an operation could not be turned into a row');
      }
    }
    if (!rows.length) return;
    try {
      const em = systemEm();
      // Keep only the tenants and domains a call named in its own account.
      const owners = await ownerAccounts(em, [...new Set(rows.flatMap((r) => r.touched_tenant_ids))], [...new Set(rows.flatMap((r) => r.touched_domain_ids))]);
      for (const r of rows) {
        r.touched_tenant_ids = r.touched_tenant_ids.filter((id) => owners.get(id) === r.account_id);
        r.touched_domain_ids = r.touched_domain_ids.filter((id) => owners.get(id) === r.account_id);
      }
      await insertRequestLogs(em, rows);
    } catch (err) {
      logger.error({ err, rows: rows.length }, 'request log: a batch could not be written');
      return;
    }
    const byAccount = new Map<string, string[]>();
    for (const r of rows) pushTo(byAccount, r.account_id, r.id);
    for (const [accountId, ids] of byAccount) {
      for (let i = 0; i < ids.length; i += IDS_PER_NOTIFY) bus.publish(REQUEST_LOGGED, { accountId, ids: ids.slice(i, i + IDS_PER_NOTIFY) } satisfies RequestLoggedEvent);
    }
  }

  function flush(): Promise<void> {
    if (dropped) {
      logger.warn({ dropped }, 'request log: operations dropped, the writer is behind');
      dropped = 0;
    }
    const batch = buffer;
    buffer = [];
    running = running.then(async () => {
      for (let i = 0; i < batch.length; i += maxBatch) await write(batch.slice(i, i + maxBatch));
    });
    return running;
  }

  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();
  return {
    observe(op) {
      if (stopped || op.ctx.principal.kind === 'PUBLIC') return;
      if (buffer.length >= maxBuffered) {
        dropped++;
        return;
      }
      buffer.push(loggedOperation(op));
      if (buffer.length >= maxBatch) void flush();
    },
    flush,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await flush();
    },
  };
}
