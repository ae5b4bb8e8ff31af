import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type DocumentNode, parse } from 'graphql';
import { Client } from 'pg';
import type { CopyConnection } from '../../db/copy.queries';
import { pushTo } from '../../lib/collections';
import { type LoggedOperation, type RequestLogInsert, type RowOperation, toRequestLogRow } from './request-log-row';
import { insertRequestLogsOn, notifyRequestsLogged, ownerAccounts, type QueryConnection, type RequestLoggedEvent } from './request-logs.queries';

/** What the request log writer thread is started with. */
export interface WriterThreadData {
  databaseUrl: string;
}

/** Messages to the writer thread: a batch to write (answered by `written` with the same `seq`), or the end. */
export type ToWriterThread = { kind: 'write'; seq: number; ops: LoggedOperation[] } | { kind: 'close' };

/** Messages from the writer thread: a batch written and announced (or dropped), or an error line for the process's log. */
export type FromWriterThread = { kind: 'written'; seq: number } | { kind: 'log'; msg: string; fields: Record<string, unknown> };

const IDS_PER_NOTIFY = 100;
const MAX_PARSED = 1000;

/** The writer thread's connection as PostgreSQL lists it (`pg_stat_activity.application_name`): one per process. */
export function writerApplicationName(pid = process.pid): string {
  return `mailroom request log writer ${pid}`;
}

/** Where a batch reports what went wrong (the thread forwards it to the process's log). */
export type WriterLog = (msg: string, fields: Record<string, unknown>) => void;

/** Documents parsed again from their source, by source text (the same few documents come back all the time). */
const parsed = new Map<string, DocumentNode>();

function rowOperation(op: LoggedOperation): RowOperation {
  if (!op.document) return { ...op, document: null };
  let document = parsed.get(op.document.query);
  if (!document) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    document = parse(op.document.query);
    parsed.set(op.document.query, document);
  }
  return { ...op, document };
}

/** The events announcing a batch's rows: per account, at most IDS_PER_NOTIFY ids each. Pure. */
function loggedEvents(rows: readonly RequestLogInsert[]): RequestLoggedEvent[] {
  const byAccount = new Map<string, string[]>();
  for (const r of rows) pushTo(byAccount, r.account_id, r.id);
  const events: RequestLoggedEvent[] = [];
  for (const [accountId, ids] of byAccount) for (let i = 0; i < ids.length; i += IDS_PER_NOTIFY) events.push({ accountId, ids: ids.slice(i, i + IDS_PER_NOTIFY) });
  return events;
}

/**
 * Writes one batch in one transaction: each operation turned into its row (redaction happens here), the
 * tenants and domains a call named kept only where they are in its own account, all rows in one COPY,
 * and the new ids announced on the bus (REQUEST_LOGGED) as it commits — from this connection, so the
 * request thread sends nothing. False when the write failed: the batch is dropped (logs never hold up
 * the API) and reported. An operation that cannot be made a row is skipped and reported. Side effects: write, NOTIFY.
 */
export async function writeBatch(connection: QueryConnection & CopyConnection, ops: readonly LoggedOperation[], log: WriterLog): Promise<boolean> {
  const rows: RequestLogInsert[] = [];
  for (const op of ops) {
    try {
      const row = toRequestLogRow(rowOperation(op));
      if (row) rows.push(row);
    } catch (err) {
      log('request log: an operation could not be turned into a row', { err: errorFields(err) });
    }
  }
  if (!rows.length) return true;
  try {
    await connection.query('begin', []);
    const owners = await ownerAccounts(connection, [...new Set(rows.flatMap((r) => r.touched_tenant_ids))], [...new Set(rows.flatMap((r) => r.touched_domain_ids))]);
    for (const r of rows) {
      r.touched_tenant_ids = r.touched_tenant_ids.filter((id) => owners.get(id) === r.account_id);
      r.touched_domain_ids = r.touched_domain_ids.filter((id) => owners.get(id) === r.account_id);
    }
    await insertRequestLogsOn(connection, rows);
    await notifyRequestsLogged(connection, loggedEvents(rows));
    await connection.query('commit', []);
  } catch (err) {
    log('request log: a batch could not be written', { err: errorFields(err), rows: rows.length });
    await connection.query('rollback', []).catch(() => undefined);
    return false;
  }
  return true;
}

/** An error as a log line carries it across threads (its message and PostgreSQL code, never the rows). */
function errorFields(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { type: err.name, message: err.message, code: (err as { code?: unknown }).code } : { message: String(err) };
}

/**
 * The thread's loop: one connection of its own (opened at start, so it is ready for the first batch;
 * opened again after it broke), batches written one after the other as they come, each answered.
 */
function run(port: NonNullable<typeof parentPort>, data: WriterThreadData): void {
  let client: Promise<Client> | null = null;
  const connect = (): Promise<Client> => {
    if (client) return client;
    const c = new Client({ connectionString: data.databaseUrl, application_name: writerApplicationName() });
    const connecting = c.connect().then(() => c);
    c.on('error', () => {
      if (client === connecting) client = null;
    });
    connecting.catch(() => {
      if (client === connecting) client = null;
    });
    return (client = connecting);
  };
  const post = (m: FromWriterThread) => port.postMessage(m);
  const log: WriterLog = (msg, fields) => post({ kind: 'log', msg, fields });
  void connect().catch((err) => log('request log: the writer could not connect', { err: errorFields(err) }));
  let queue = Promise.resolve();
  port.on('message', (m: ToWriterThread) => {
    queue = queue.then(async () => {
      if (m.kind === 'close') {
        const c = client;
        client = null;
        await c?.then((x) => x.end()).catch(() => undefined);
        port.close();
        return;
      }
      let written = false;
      try {
        written = await writeBatch((await connect()) as unknown as QueryConnection & CopyConnection, m.ops, log);
      } catch (err) {
        // No connection (writeBatch reports its own failures).
        log('request log: a batch could not be written, no connection', { err: errorFields(err), rows: m.ops.length });
      }
      if (!written) {
        // The connection is opened again for the next batch (it may be what broke).
        void client?.then((c) => c.end()).catch(() => undefined);
        client = null;
      }
      post({ kind: 'written', seq: m.seq });
    });
  });
}

if (!isMainThread && parentPort && (workerData as { requestLogWriter?: WriterThreadData } | null)?.requestLogWriter) {
  run(parentPort, (workerData as { requestLogWriter: WriterThreadData }).requestLogWriter);
}
