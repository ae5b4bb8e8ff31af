import type { Scope } from '../../auth/scope';
import { isUuid } from '../../lib/ids';
import type { SuppressionList } from './suppression.enums';

/** A growing SQL fragment list with its parameters, as `?` (knex) or `$n` (node-postgres) placeholders. */
export class SqlParams {
  readonly params: unknown[] = [];
  constructor(private readonly style: 'knex' | 'pg' = 'knex') {}

  /** Adds a parameter; returns its placeholder. */
  p(value: unknown): string {
    this.params.push(value);
    return this.style === 'pg' ? `$${this.params.length}` : '?';
  }

  /** Adds a uuid[] parameter (ids checked, so the array literal is safe). */
  uuids(ids: readonly string[]): string {
    if (!ids.every(isUuid)) throw new Error('not a uuid');
    return `${this.p(`{${ids.join(',')}}`)}::uuid[]`;
  }
}

/** What a principal may read of suppressions, as plain data (also what an export link carries). */
export interface SuppressionScope {
  accountId: string;
  allDomains: boolean;
  tenantIds: readonly string[];
  domainIds: readonly string[];
  identityIds: readonly string[];
}

/** The suppression part of a principal's scope. Pure. */
export function suppressionScope(s: Scope): SuppressionScope {
  return { accountId: s.accountId, allDomains: s.allDomains && !s.templateIds, tenantIds: s.tenantIds, domainIds: s.domainIds, identityIds: s.identityIds };
}

/** The scope as SQL over alias `a`: the twin of Suppression's row filter (account, then domain, tenant or sender identity). */
export function scopeCondition(q: SqlParams, scope: SuppressionScope, a = 's'): string {
  const account = `${a}.account_id = ${q.p(scope.accountId)}`;
  if (scope.allDomains) return account;
  return `${account} and (${a}.domain_id = any(${q.uuids(scope.domainIds)}) or ${a}.tenant_id = any(${q.uuids(scope.tenantIds)}) or ${a}.sender_identity_id = any(${q.uuids(scope.identityIds)}))`;
}

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
