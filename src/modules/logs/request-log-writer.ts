import { extname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { type DocumentNode, type ExecutionResult, print } from 'graphql';
import { formatError } from '../../graphql/format-error';
import type { ObservedOperation, OperationObserver } from '../../http/operation-observer';
import type { Logger } from '../../lib/logger';
import { startThread } from '../../lib/threads';
import type { DocumentSource, LoggedOperation } from './request-log-row';
import type { FromWriterThread, ToWriterThread, WriterThreadData } from './request-log-thread';

/** The per-process request log writer. */
export interface RequestLogWriter {
  /** Takes an operation (at once, no I/O); the next flush writes it. */
  readonly observe: OperationObserver;
  /** Writes what is buffered now (also done every `flushMs`); resolves once it is committed (or dropped). */
  flush(): Promise<void>;
  /** Stops the timer, writes what is left and ends the writer thread. */
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

/** The writer thread's entry, beside this file (compiled, or the source under the tests). */
const THREAD_FILE = join(__dirname, `request-log-thread${extname(__filename)}`);

const sources = new WeakMap<DocumentNode, DocumentSource>();

/** The source of a parsed document, one object per document (a batch then carries each document once). */
function documentSource(document: DocumentNode): DocumentSource {
  let source = sources.get(document);
  if (!source) {
    // Parsed with locations (see operation-guard): the source is the text as sent; printed otherwise.
    source = { query: document.loc?.source.body ?? print(document) };
    sources.set(document, source);
  }
  return source;
}

/** A WebSocket operation's result as the JSON the client got: errors formatted (codes, no internals). */
function responseText(response: string | ExecutionResult | null): string | null {
  if (response === null || typeof response === 'string') return response;
  const errors = response.errors?.map((e) => formatError(e.toJSON(), e));
  return JSON.stringify(errors ? { ...response, errors } : response);
}

/** What the writer keeps of an observed operation until its flush: plain data for the writer thread. */
export function loggedOperation(op: ObservedOperation): LoggedOperation {
  return {
    ...op,
    ctx: { principal: op.ctx.principal, requestId: op.ctx.requestId, clientIp: op.ctx.clientIp },
    document: op.document ? documentSource(op.document) : null,
    response: responseText(op.response),
  };
}

/**
 * The one writer of request logs in a process. `observe` only buffers the operation (plain data, see
 * loggedOperation); every `flushMs` (and when `maxBatch` are waiting) the buffer goes to the writer's
 * thread (request-log-thread.ts), which turns it into rows (redaction happens there) and inserts them
 * with one COPY on a connection of its own — so the request thread pays only for the buffering and the
 * copy of each operation into the thread. The thread also announces each batch on the bus (one NOTIFY
 * per account and 100 ids, sent in the COPY's transaction, so only committed rows are named and the
 * request thread sends no statement). Flushes never overlap. A crash loses what was buffered and the batch being
 * written: at most the last `flushMs` of operations. A failed insert is logged and its batch dropped
 * (logs never hold up the API); a thread that died is started again for the next batch.
 */
export function createRequestLogWriter(databaseUrl: string, logger: Logger, opts: RequestLogWriterOptions = {}): RequestLogWriter {
  const flushMs = Math.min(opts.flushMs ?? 1000, 1000);
  const maxBatch = opts.maxBatch ?? 1000;
  const maxBuffered = opts.maxBuffered ?? 50_000;
  let buffer: LoggedOperation[] = [];
  let dropped = 0;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let thread: Worker | null = null;
  let seq = 0;
  /** The batches sent to the thread and not yet answered, by seq. */
  const pending = new Map<number, () => void>();

  function start(): Worker {
    if (thread) return thread;
    const t = startThread(THREAD_FILE, { workerData: { requestLogWriter: { databaseUrl } satisfies WriterThreadData } });
    t.on('message', (m: FromWriterThread) => {
      if (m.kind === 'log') {
        logger.error(m.fields, m.msg);
        return;
      }
      pending.get(m.seq)?.();
      pending.delete(m.seq);
    });
    t.on('error', (err) => logger.error({ err }, 'request log: the writer thread failed'));
    t.on('exit', () => {
      if (thread !== t) return;
      thread = null;
      if (pending.size && !stopped) logger.error({ batches: pending.size }, 'request log: the writer thread ended with batches unwritten');
      for (const done of pending.values()) done();
      pending.clear();
    });
    return (thread = t);
  }

  function write(ops: LoggedOperation[]): Promise<void> {
    const id = ++seq;
    return new Promise<void>((resolve) => {
      pending.set(id, resolve);
      try {
        start().postMessage({ kind: 'write', seq: id, ops } satisfies ToWriterThread);
      } catch (err) {
        pending.delete(id);
        logger.error({ err, rows: ops.length }, 'request log: a batch could not be handed to the writer thread');
        resolve();
      }
    });
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

  start();
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
      const t = thread;
      if (!t) return;
      // The thread ends its connection and exits; one that does not within 5 s is terminated.
      const exited = new Promise<void>((resolve) => t.once('exit', () => resolve()));
      t.postMessage({ kind: 'close' } satisfies ToWriterThread);
      const timeout = setTimeout(() => void t.terminate(), 5000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
