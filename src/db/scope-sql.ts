import type { RowScope } from '../auth/scope';
import { isUuid } from '../lib/ids';

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

/** The owner columns of a table read by raw SQL (absent: the table has no such owner). */
export interface OwnerColumns {
  account?: string;
  domain?: string;
  tenant?: string;
  identity?: string;
  /** The table has rows that no domain, tenant or identity owns (the account's own): only account-wide scopes see them. */
  accountLevel: boolean;
}

/** The usual owner columns: account_id, domain_id, tenant_id, sender_identity_id. */
export const OWNED_ROW: OwnerColumns = { account: 'account_id', domain: 'domain_id', tenant: 'tenant_id', identity: 'sender_identity_id', accountLevel: true };

/**
 * Renders a scope as a `where` fragment over alias `a`, its values added to `q`: the SQL twin of the
 * row filters (src/db/scope-filter.ts ownedRows) and of scopeAdmitsRow. The account always; then, for
 * a scope that is not account-wide, every owned row (all domains) or the rows of its listed owners.
 */
export function scopeCondition(q: SqlParams, scope: RowScope, a: string, cols: OwnerColumns = OWNED_ROW): string {
  const account = `${a}.${cols.account ?? 'account_id'} = ${q.p(scope.accountId)}`;
  if (scope.accountWide) return account;
  const owners: [string, readonly string[]][] = [];
  if (cols.domain) owners.push([cols.domain, scope.domainIds]);
  if (cols.tenant) owners.push([cols.tenant, scope.tenantIds]);
  if (cols.identity) owners.push([cols.identity, scope.identityIds]);
  if (scope.allDomains) return cols.accountLevel ? `${account} and (${owners.map(([c]) => `${a}.${c} is not null`).join(' or ')})` : account;
  return `${account} and (${owners.map(([c, ids]) => `${a}.${c} = any(${q.uuids(ids)})`).join(' or ')})`;
}
