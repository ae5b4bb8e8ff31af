import type { Permission } from './permissions';

/**
 * What a principal may see, resolved to plain ids before any resolver runs.
 * `allDomains` means the whole account; otherwise the union of the listed tenants
 * (all their domains and identities), domains and sender identities.
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
