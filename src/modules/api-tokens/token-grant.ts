import type { Permission } from '../../auth/permissions';
import type { Scope } from '../../auth/scope';
import { AppError, forbidden } from '../../graphql/errors';
import { ApiTokenScopeKind } from './api-token.types';

/** The scope a token is to get, with the owners of its object (to check it lies inside the caller's scope). */
export type TokenTarget =
  | { kind: ApiTokenScopeKind.ACCOUNT }
  | { kind: ApiTokenScopeKind.TENANT; tenantId: string }
  | { kind: ApiTokenScopeKind.DOMAIN; domainId: string; tenantId: string | null }
  | { kind: ApiTokenScopeKind.SENDER_IDENTITY; identityId: string; domainId: string; tenantId: string };

/**
 * Everything a token with a given target could read, in the terms the row filters use: whole
 * tenants (their domains, identities, templates, messages, now and later), single domains (their
 * identities, templates, messages), single identities (their messages), and the tenant rows it
 * may read (a domain or identity token reads its owner's name and tag).
 */
export interface Reach {
  allDomains: boolean;
  tenantIds: string[];
  domainIds: string[];
  identities: { id: string; domainId: string; tenantId: string }[];
  readableTenantIds: string[];
}

/** What a token with scope `target` could read (mirrors the scope the access layer builds for it). */
export function reachOf(target: TokenTarget): Reach {
  const none: Reach = { allDomains: false, tenantIds: [], domainIds: [], identities: [], readableTenantIds: [] };
  switch (target.kind) {
    case ApiTokenScopeKind.ACCOUNT:
      return { ...none, allDomains: true };
    case ApiTokenScopeKind.TENANT:
      return { ...none, tenantIds: [target.tenantId], readableTenantIds: [target.tenantId] };
    case ApiTokenScopeKind.DOMAIN:
      return { ...none, domainIds: [target.domainId], readableTenantIds: target.tenantId ? [target.tenantId] : [] };
    case ApiTokenScopeKind.SENDER_IDENTITY:
      return { ...none, identities: [{ id: target.identityId, domainId: target.domainId, tenantId: target.tenantId }], readableTenantIds: [target.tenantId] };
  }
}

/**
 * True when `caller` can read every row that `reach` can: each kind of row is compared on its own
 * (tenants wholly in scope, domains, identities, and tenant rows), so a child never reads a tenant,
 * domain, identity, template or message its creator gets NOT_FOUND for. A template-limited caller
 * covers nothing (it cannot see whole domains).
 */
export function scopeCovers(caller: Scope, reach: Reach): boolean {
  if (caller.templateIds) return false;
  if (caller.allDomains) return true;
  if (reach.allDomains) return false;
  const has = (list: readonly string[], id: string) => list.includes(id);
  return (
    reach.tenantIds.every((t) => has(caller.tenantIds, t)) &&
    // A caller's domainIds include its tenants' domains at resolution time.
    reach.domainIds.every((d) => has(caller.domainIds, d)) &&
    reach.identities.every((i) => has(caller.identityIds, i.id) || has(caller.domainIds, i.domainId) || has(caller.tenantIds, i.tenantId)) &&
    reach.readableTenantIds.every((t) => has(caller.readableTenantIds, t))
  );
}

/** True when a token with scope `target` would see nothing the caller cannot see. */
export function targetWithinScope(caller: Scope, target: TokenTarget): boolean {
  return scopeCovers(caller, reachOf(target));
}

/** Throws FORBIDDEN unless a token with scope `target` stays inside the caller's scope (no escalation). */
export function assertTargetGrantable(caller: Scope, target: TokenTarget): void {
  if (caller.templateIds) throw forbidden('A principal limited to a list of templates cannot manage API tokens');
  if (!targetWithinScope(caller, target)) {
    const what = target.kind === ApiTokenScopeKind.ACCOUNT ? 'an account-wide token' : `a token with ${target.kind} scope here`;
    throw forbidden(`Your scope does not allow ${what}: a token cannot reach beyond the scope of its creator`);
  }
}

/** Throws FORBIDDEN naming the permissions the caller lacks (nobody can grant more than it holds). */
export function assertPermissionsGrantable(caller: Scope, requested: readonly Permission[], field = 'permissions'): void {
  const missing = requested.filter((p) => !caller.permissions.includes(p));
  if (missing.length) {
    throw new AppError('FORBIDDEN', `You cannot grant a permission you do not hold: ${missing.join(', ')}`, { field, missingPermissions: missing });
  }
}
