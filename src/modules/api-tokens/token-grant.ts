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

/** True when a token with scope `target` would see nothing the caller cannot see. */
export function targetWithinScope(caller: Scope, target: TokenTarget): boolean {
  if (caller.templateIds) return false;
  if (caller.allDomains) return true;
  const inTenant = (t: string | null) => t !== null && caller.tenantIds.includes(t);
  switch (target.kind) {
    case ApiTokenScopeKind.ACCOUNT:
      return false;
    case ApiTokenScopeKind.TENANT:
      return inTenant(target.tenantId);
    case ApiTokenScopeKind.DOMAIN:
      return caller.domainIds.includes(target.domainId) || inTenant(target.tenantId);
    case ApiTokenScopeKind.SENDER_IDENTITY:
      return caller.identityIds.includes(target.identityId) || caller.domainIds.includes(target.domainId) || inTenant(target.tenantId);
  }
}

/** Throws FORBIDDEN unless a token with scope `target` stays inside the caller's scope (no escalation). */
export function assertTargetGrantable(caller: Scope, target: TokenTarget): void {
  if (caller.templateIds) throw forbidden('A principal limited to a list of templates cannot manage API tokens');
  if (!targetWithinScope(caller, target)) {
    const what = target.kind === ApiTokenScopeKind.ACCOUNT ? 'an account-wide token' : `a token with ${target.kind} scope here`;
    throw forbidden(`Your scope does not allow ${what}: a token cannot reach beyond the scope of its creator`);
  }
}

/** Throws FORBIDDEN naming the permissions the caller lacks (a token cannot get more than its creator holds). */
export function assertPermissionsGrantable(caller: Scope, requested: readonly Permission[]): void {
  const missing = requested.filter((p) => !caller.permissions.includes(p));
  if (missing.length) {
    throw new AppError('FORBIDDEN', `You cannot grant a permission you do not hold: ${missing.join(', ')}`, { field: 'permissions', missingPermissions: missing });
  }
}
