import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../lib/logger';
import { deleteUnusedBlobs } from '../attachments/attachment.queries';
import {
  AGENCY_RETENTION_DAYS,
  clearContentBatch,
  daysBefore,
  deleteEventsWindow,
  deleteMessagesBatch,
  dropEventPartition,
  eventPartitions,
  oldEventIdRange,
  type RetentionOwner,
  retentionOwners,
} from './retention.queries';

/** What one run of the retention job did. */
export interface RetentionReport {
  /** Messages whose content was cleared (contentRetentionDays). */
  contentCleared: number;
  /** Whole monthly event partitions dropped (every owner's retention allowed it), by name. */
  partitionsDropped: string[];
  /** Events that went with the dropped partitions. */
  eventsInDroppedPartitions: number;
  /** Events deleted row by row (older than their own tenant's retention). */
  eventsDeleted: number;
  /** Messages deleted (with the events they still had). */
  messagesDeleted: number;
  /** Attachment bytes removed: no message points to them any more, none used them for a day. */
  blobsDeleted: number;
}

/** How long unreferenced attachment bytes are kept after their last use (a bulk send refers to them before its messages link them). */
const BLOB_GRACE_MS = 86400_000;

/** Batch sizes: rows per statement, so no statement holds locks on many rows for long. */
export interface RetentionOptions {
  messageBatch?: number;
  eventIdWindow?: number;
}

async function clearContent(em: EntityManager, owners: readonly RetentionOwner[], now: Date, batch: number): Promise<number> {
  let total = 0;
  for (const o of owners) {
    if (o.contentRetentionDays === null) continue;
    const before = daysBefore(now, o.contentRetentionDays);
    let after: { at: string; id: string } | null = null;
    do {
      const r = await clearContentBatch(em, o, before, after, batch);
      total += r.cleared;
      after = r.next;
    } while (after);
  }
  return total;
}

async function dropPartitions(em: EntityManager, owners: readonly RetentionOwner[], now: Date, logger: Logger): Promise<{ names: string[]; rows: number }> {
  // A partition holds every account's events: it goes when its newest possible event is past the longest retention.
  const longest = Math.max(AGENCY_RETENTION_DAYS, ...owners.map((o) => o.retentionDays));
  const allowed = daysBefore(now, longest);
  const names: string[] = [];
  let rows = 0;
  for (const p of await eventPartitions(em)) {
    if (p.upper > allowed) continue;
    const n = await dropEventPartition(em, p);
    if (n === null) {
      logger.warn({ partition: p.name }, 'retention: event partition busy, left for the next run');
      continue;
    }
    names.push(p.name);
    rows += n;
  }
  return { names, rows };
}

async function deleteEvents(em: EntityManager, owners: readonly RetentionOwner[], now: Date, window: number): Promise<number> {
  const shortest = Math.min(AGENCY_RETENTION_DAYS, ...owners.map((o) => o.retentionDays));
  const before = daysBefore(now, shortest);
  const range = await oldEventIdRange(em, before);
  if (!range) return 0;
  let total = 0;
  for (let lo = range.lo; lo <= range.hi; lo += BigInt(window)) total += await deleteEventsWindow(em, now, before, lo, lo + BigInt(window));
  return total;
}

async function deleteMessages(em: EntityManager, owners: readonly RetentionOwner[], now: Date, batch: number): Promise<number> {
  let total = 0;
  for (const o of owners) {
    const before = daysBefore(now, o.retentionDays);
    for (let n = batch; n === batch; total += n) n = await deleteMessagesBatch(em, o, before, batch);
  }
  return total;
}

/**
 * One run of the daily retention job, across every account: clears the content of messages past their
 * tenant's contentRetentionDays; drops whole monthly event partitions that every tenant's retention
 * (and the agency default for mail of no tenant) lets go; deletes, in id windows, the older events
 * that remain past their own tenant's retention; then deletes messages past it (each with the events it
 * still has — an open a few days after the send goes with its message), and last the attachment bytes
 * no message points to any more (a day after their last use: a bulk send's are in use before its
 * messages exist). Analytics rollups are not
 * touched. Logs and returns the counts. Writes, in many short statements (each its own transaction).
 */
export async function applyRetention(em: EntityManager, now: Date, logger: Logger, opts: RetentionOptions = {}): Promise<RetentionReport> {
  const batch = opts.messageBatch ?? 2000;
  const owners = await retentionOwners(em);
  const contentCleared = await clearContent(em, owners, now, batch);
  logger.info({ contentCleared }, 'retention: message content cleared');
  const dropped = await dropPartitions(em, owners, now, logger);
  logger.info({ partitions: dropped.names, events: dropped.rows }, 'retention: event partitions dropped');
  const eventsDeleted = await deleteEvents(em, owners, now, opts.eventIdWindow ?? 10_000);
  logger.info({ eventsDeleted }, 'retention: old events deleted');
  const messagesDeleted = await deleteMessages(em, owners, now, batch);
  logger.info({ messagesDeleted }, 'retention: old messages deleted');
  let blobsDeleted = 0;
  for (let n = batch; n === batch; blobsDeleted += n) n = await deleteUnusedBlobs(em, new Date(now.getTime() - BLOB_GRACE_MS), batch);
  logger.info({ blobsDeleted }, 'retention: unused attachment bytes deleted');
  return { contentCleared, partitionsDropped: dropped.names, eventsInDroppedPartitions: dropped.rows, eventsDeleted, messagesDeleted, blobsDeleted };
}
