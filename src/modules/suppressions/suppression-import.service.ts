import { parse } from 'csv-parse/sync';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { entryTarget, reasonOf } from './suppression-input';
import { SuppressionImport } from './suppression-import.entity';
import { type ImportSuppressionsInput, SUPPRESSION_LIMITS } from './suppressions.inputs';
import { findInScope } from '../../db/find-in-scope';

/** The graphile-worker task that works through an import. */
export const IMPORT_TASK = 'process-suppression-import';

/** Payload of the import task. */
export interface ImportJobPayload {
  importId: string;
  reason: string | null;
}

/** The first cell of each non-empty CSV row, a header row (no `@` in its first cell) left out; BAD_USER_INPUT naming `csv`. */
export function csvFirstCells(csv: string): string[] {
  let rows: string[][];
  try {
    rows = parse(csv, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true, bom: true, max_record_size: 4096 }) as string[][];
  } catch (e) {
    throw badInput('csv', `csv is not valid CSV: ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
  }
  const cells = rows.map((r) => r[0] ?? '').filter((c) => c !== '');
  if (cells.length && !cells[0].includes('@')) cells.shift();
  if (cells.length === 0) throw badInput('csv', 'csv has no rows');
  if (cells.length > SUPPRESSION_LIMITS.importRows) throw badInput('csv', `csv has ${cells.length} rows (too many rows): at most ${SUPPRESSION_LIMITS.importRows}`);
  return cells;
}

/**
 * Stores an import of a CSV into a list of a domain in scope (or the account-wide blocklist) and its
 * processing job in one transaction (SUPPRESSIONS_MANAGE); rows are checked and added in the background
 * with progress (see suppression-import.task.ts). Returns at once.
 */
export async function importSuppressions(ctx: Context, input: ImportSuppressionsInput): Promise<SuppressionImport> {
  const scope = requirePermission(ctx, Permission.SUPPRESSIONS_MANAGE);
  const reason = reasonOf(input.reason);
  const rows = csvFirstCells(input.csv);
  const target = await entryTarget(ctx, scope.accountId, input.list, input.domainId);
  return ctx.em.transactional(async (em) => {
    const imp = em.create(SuppressionImport, { account: scope.accountId, principalKey: scope.principalKey, domain: target.domainId, list: input.list, total: rows.length, rows });
    await em.flush();
    const payload: ImportJobPayload = { importId: imp.id, reason };
    await ctx.deps.queue.add(em, IMPORT_TASK, payload, { jobKey: `${IMPORT_TASK}:${imp.id}` });
    return imp;
  });
}

/** An import of the caller (or, account-wide, of the account) by global id; NOT_FOUND otherwise (SUPPRESSIONS_MANAGE). */
export async function getSuppressionImport(ctx: Context, gid: string): Promise<SuppressionImport> {
  requirePermission(ctx, Permission.SUPPRESSIONS_MANAGE);
  return findInScope(ctx, SuppressionImport, 'SuppressionImport', gid);
}
