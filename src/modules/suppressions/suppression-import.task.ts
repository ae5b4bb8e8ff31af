import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import { Domain } from '../domains/domain.entity';
import type { TaskDeps } from '../module';
import { publishChangesOnCommit } from './suppression-events';
import { type ParsedEntry, parseEntry } from './suppression-input';
import { SuppressionImport } from './suppression-import.entity';
import type { ImportJobPayload } from './suppression-import.service';
import { SuppressionChangeKind, SuppressionImportStatus, SuppressionSource } from './suppression.enums';
import { insertEntries } from './suppressions.queries';

/** Rows per chunk: checked and written in one transaction together with the progress. */
export const IMPORT_CHUNK = 500;

/**
 * Works through an import chunk by chunk: each chunk's valid rows are inserted (rows already on the
 * list, or repeated in the file, count as skipped; rows that are not an address as invalid) in ONE
 * transaction with the progress, so a re-run after a crash resumes after the last committed chunk and
 * counts nothing twice. Side effects: writes entries and progress; publishes additions on commit.
 */
export async function processImport(td: TaskDeps, payload: unknown): Promise<void> {
  const p = payload as Partial<ImportJobPayload> | null;
  if (typeof p?.importId !== 'string' || !isUuid(p.importId)) return;
  const imp = await systemEm(td.orm).findOne(SuppressionImport, { id: p.importId }, { populate: ['rows'] });
  if (!imp || imp.status === SuppressionImportStatus.COMPLETED || imp.status === SuppressionImportStatus.FAILED) return;
  const domain = imp.domain ? await systemEm(td.orm).findOne(Domain, { id: imp.domain.id }) : null;
  while (imp.processed < imp.total) {
    const start = imp.processed;
    const chunk = imp.rows.slice(start, start + IMPORT_CHUNK);
    const valid: ParsedEntry[] = [];
    let invalid = 0;
    for (const raw of chunk) {
      const e = parseEntry(imp.list, raw, true);
      if ('reason' in e) invalid++;
      else valid.push(e);
    }
    await systemEm(td.orm).transactional(async (em) => {
      const added = await insertEntries(
        em,
        valid.map((e) => ({
          accountId: imp.account.id,
          domainId: imp.domain?.id ?? null,
          tenantId: domain?.tenant?.id ?? null,
          senderIdentityId: null,
          list: imp.list,
          ...e,
          reason: p.reason ?? null,
          source: SuppressionSource.IMPORT,
        })),
      );
      const progress = {
        status: SuppressionImportStatus.PROCESSING,
        processed: start + chunk.length,
        added: imp.added + added.length,
        skipped: imp.skipped + valid.length - added.length,
        invalid: imp.invalid + invalid,
      };
      // Guarded by the progress read: a chunk is never counted twice, even by an overlapping run.
      if ((await em.nativeUpdate(SuppressionImport, { id: imp.id, processed: start }, progress)) !== 1) throw new Error('suppression import progress moved under this run');
      await publishChangesOnCommit(em, SuppressionChangeKind.ADDED, added);
      Object.assign(imp, progress);
    });
  }
  await systemEm(td.orm).nativeUpdate(SuppressionImport, { id: imp.id }, { status: SuppressionImportStatus.COMPLETED, rows: [] });
}
