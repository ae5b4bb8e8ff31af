import type { SqlParams } from '../../db/scope-sql';
import type { SuppressionList } from './suppression.enums';

/** A resolved list filter (ids decoded). */
export interface ResolvedSuppressionFilter {
  lists: SuppressionList[] | null;
  domainIds: string[] | null;
  tenantId: string | null;
  /** Substring of the recipient or pattern, lower-cased. */
  query: string | null;
}

/** Escapes LIKE metacharacters of a literal substring. Pure. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The filter as SQL over alias `a` (true when empty). */
export function filterCondition(q: SqlParams, f: ResolvedSuppressionFilter, a = 's'): string {
  const parts: string[] = [];
  if (f.lists) parts.push(`${a}.list = any(${q.p(`{${f.lists.join(',')}}`)}::text[])`);
  if (f.domainIds) parts.push(`${a}.domain_id = any(${q.uuids(f.domainIds)})`);
  if (f.tenantId) parts.push(`${a}.tenant_id = ${q.p(f.tenantId)}`);
  if (f.query) {
    const like = `%${escapeLike(f.query)}%`;
    parts.push(`(${a}.recipient like ${q.p(like)} or ${a}.pattern like ${q.p(like)})`);
  }
  return parts.length ? parts.join(' and ') : 'true';
}
