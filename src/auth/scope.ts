import type { Permission } from './permissions';

/**
 * What a principal may see, resolved to plain ids before any resolver runs.
 * `allDomains` means every domain, tenant and sender identity of the account (and what they own);
 * otherwise the union of the listed tenants (all their domains and identities), domains and sender
 * identities. Account-wide (isAccountWide: all domains and no template allow-list) is more: the
 * account's own rows too (account-level suppressions and tokens, members, system e-mails, other
 * principals' bulk sends and imports) and the account-level actions. Row filters, raw SQL
 * (scopeCondition), live feeds (scopeAdmitsRow) and services all use these same two predicates.
 */
export interface Scope {
  readonly accountId: string;
  readonly allDomains: boolean;
  /** Tenants wholly in scope (a tenant token): all their domains and identities, now and later. */
  readonly tenantIds: readonly string[];
  /** Domains in scope, including those of `tenantIds` at resolution time. */
  readonly domainIds: readonly string[];
  /** Sender identities in scope, including those of `tenantIds` at resolution time. */
  readonly identityIds: readonly string[];
  /** Tenants whose own row may be read (their domains/identities are in scope). */
  readonly readableTenantIds: readonly string[];
  readonly permissions: readonly Permission[];
  /** When set, only these templates are visible (a CUSTOM member's allow-list). */
  readonly templateIds: readonly string[] | null;
  /** The member's own membership, for members. */
  readonly membershipId: string | null;
  /** Stable key of the principal itself (`token:<id>` or `member:<id>`), for what belongs to it alone (idempotency keys, bulk sends). */
  readonly principalKey: string;
}

/** Parameters of the `scope` row filter: a principal's scope, nothing (public), or the system. */
export type ScopeFilterArgs = { kind: 'principal'; scope: Scope } | { kind: 'public' } | { kind: 'system' };

/** True when every permission is granted. */
export function scopeAllows(scope: Scope, ...perms: Permission[]): boolean {
  return perms.every((p) => scope.permissions.includes(p));
}

/** A canonical string of everything a scope grants, to notice when a live connection's access changed. */
export function scopeFingerprint(scope: Scope): string {
  const sorted = (ids: readonly string[] | null) => (ids ? [...ids].sort() : null);
  return JSON.stringify([
    scope.accountId,
    scope.allDomains,
    sorted(scope.permissions),
    sorted(scope.tenantIds),
    sorted(scope.domainIds),
    sorted(scope.identityIds),
    sorted(scope.readableTenantIds),
    sorted(scope.templateIds),
  ]);
}

/** Whether the scope is the whole account: all domains and no template allow-list. The one meaning of account-wide. */
export function isAccountWide(scope: Pick<Scope, 'allDomains' | 'templateIds'>): boolean {
  return scope.allDomains && scope.templateIds === null;
}

/** The part of a scope that decides which owned rows it reaches, as plain data: what raw SQL read models take and an export link carries. */
export interface RowScope {
  readonly accountId: string;
  /** isAccountWide: every row of the account, account-level rows included. */
  readonly accountWide: boolean;
  /** Every row owned by a domain, tenant or sender identity of the account. */
  readonly allDomains: boolean;
  readonly tenantIds: readonly string[];
  readonly domainIds: readonly string[];
  readonly identityIds: readonly string[];
}

/** The row part of a scope. Pure. */
export function rowScope(s: Scope): RowScope {
  return { accountId: s.accountId, accountWide: isAccountWide(s), allDomains: s.allDomains, tenantIds: s.tenantIds, domainIds: s.domainIds, identityIds: s.identityIds };
}

/** Who owns a row: its account and its domain, tenant and sender identity (all null: the account's own row). */
export interface RowOwners {
  accountId: string;
  domainId: string | null;
  tenantId: string | null;
  senderIdentityId: string | null;
}

/**
 * Whether a scope reaches a row: the in-memory twin of the row filters (src/db/scope-filter.ts ownedRows)
 * and of the SQL fragment (src/db/scope-sql.ts scopeCondition), for live events and change feeds. Pure.
 */
export function scopeAdmitsRow(s: RowScope | Scope, row: RowOwners): boolean {
  if (row.accountId !== s.accountId) return false;
  if ('accountWide' in s ? s.accountWide : isAccountWide(s)) return true;
  if (s.allDomains) return row.domainId !== null || row.tenantId !== null || row.senderIdentityId !== null;
  return (
    (row.domainId !== null && s.domainIds.includes(row.domainId)) ||
    (row.tenantId !== null && s.tenantIds.includes(row.tenantId)) ||
    (row.senderIdentityId !== null && s.identityIds.includes(row.senderIdentityId))
  );
}
