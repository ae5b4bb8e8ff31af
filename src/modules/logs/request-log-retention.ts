import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../lib/logger';
import { deleteDefaultRequestLogsBefore, dropRequestLogPartition, ensureRequestLogPartitions, requestLogPartitions } from './request-logs.queries';

const DAY = 86_400_000;

/** What one retention run did. */
export interface RequestLogRetentionReport {
  /** Daily partitions dropped, by name. */
  dropped: string[];
  /** Old rows deleted from the default partition. */
  defaultRowsDeleted: number;
}

/**
 * The daily request log retention: prepares the coming days' partitions, then drops every daily
 * partition whose last moment is more than `retentionDays` before `now` (a whole day at a time; a
 * partition whose lock is not granted within 5 s is left for the next run), and deletes old rows that
 * landed in the default partition. Writes (DDL); logs what it did.
 */
export async function applyRequestLogRetention(em: EntityManager, now: Date, retentionDays: number, logger: Logger): Promise<RequestLogRetentionReport> {
  await ensureRequestLogPartitions(em);
  const cutoff = new Date(now.getTime() - retentionDays * DAY);
  const dropped: string[] = [];
  for (const p of await requestLogPartitions(em)) {
    if (p.upper > cutoff) continue;
    if (await dropRequestLogPartition(em, p)) dropped.push(p.name);
    else logger.warn({ partition: p.name }, 'request log retention: partition busy, left for the next run');
  }
  const defaultRowsDeleted = await deleteDefaultRequestLogsBefore(em, cutoff);
  logger.info({ dropped, defaultRowsDeleted, retentionDays }, 'request log retention applied');
  return { dropped, defaultRowsDeleted };
}
