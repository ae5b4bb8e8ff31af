import { type Permission, Role } from '../../auth/permissions';
import { badInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';

/** Most domains or templates one member may be limited to. */
export const MAX_ACCESS_IDS = 500;

/** A member's role and access, with ids decoded to uuids. */
export interface MemberAccess {
  role: Role;
  allDomains: boolean;
  domainIds: string[];
  customPermissions: Permission[];
  /** CUSTOM only: the template allow-list; null = no allow-list. */
  templateIds: string[] | null;
}

/** Requested changes; `undefined` keeps the current value, `templateIds: null` removes the allow-list. */
export interface AccessChange {
  role?: Role | null;
  allDomains?: boolean | null;
  domainIds?: string[] | null;
  permissions?: Permission[] | null;
  templateIds?: string[] | null;
}

function decodeIds(gids: readonly string[], type: string, field: string): string[] {
  if (gids.length > MAX_ACCESS_IDS) throw badInput(field, `${field} may list at most ${MAX_ACCESS_IDS} ids`);
  return [...new Set(gids.map((g) => fromGlobalId(g, type, field)))];
}

function customPart(current: MemberAccess | null, change: AccessChange, role: Role): Pick<MemberAccess, 'customPermissions' | 'templateIds'> {
  const wasCustom = current?.role === Role.CUSTOM;
  if (role !== Role.CUSTOM) {
    if (change.permissions !== undefined && change.permissions !== null) throw badInput('permissions', 'permissions can only be set for the CUSTOM role');
    if (change.templateIds !== undefined && change.templateIds !== null) throw badInput('templateIds', 'templateIds can only be set for the CUSTOM role');
    return { customPermissions: [], templateIds: null };
  }
  const customPermissions = change.permissions ? [...new Set(change.permissions)] : wasCustom && current ? current.customPermissions : [];
  let templateIds: string[] | null;
  if (change.templateIds === undefined) templateIds = wasCustom && current ? current.templateIds : null;
  else templateIds = change.templateIds === null ? null : decodeIds(change.templateIds, 'Template', 'templateIds');
  return { customPermissions, templateIds };
}

/**
 * Merges a change into a member's access (`current` null for a new member) and checks the result:
 * permissions and templates only for CUSTOM, domain ids only when not allDomains, and no ADMIN or
 * ACCOUNTANT role for a member limited to domains or templates (a client). Throws BAD_USER_INPUT naming the field.
 */
export function resolveAccess(current: MemberAccess | null, change: AccessChange): MemberAccess {
  const role = change.role ?? current?.role;
  if (!role) throw badInput('role', 'role is required');
  const allDomains = change.allDomains ?? current?.allDomains ?? true;
  let domainIds: string[];
  if (change.domainIds !== undefined && change.domainIds !== null) {
    domainIds = decodeIds(change.domainIds, 'Domain', 'domainIds');
    if (allDomains && domainIds.length > 0) throw badInput('domainIds', 'domainIds needs allDomains: false');
  } else {
    domainIds = allDomains ? [] : (current?.domainIds ?? []);
  }
  const custom = customPart(current, change, role);
  const limited = !allDomains || custom.templateIds !== null;
  if (limited && (role === Role.ADMIN || role === Role.ACCOUNTANT)) {
    throw badInput('role', 'A member limited to some domains or templates cannot be ADMIN or ACCOUNTANT');
  }
  return { role, allDomains, domainIds, ...custom };
}
