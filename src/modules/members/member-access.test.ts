import { describe, expect, it } from 'vitest';
import { Permission, Role } from '../../auth/permissions';
import { toGlobalId } from '../../graphql/global-id';
import { uuidv7 } from '../../lib/ids';
import { type MemberAccess, resolveAccess } from './member-access';

const domain = uuidv7();
const template = uuidv7();
const fieldOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions: Record<string, unknown> }).extensions;
  }
  throw new Error('expected an error');
};

describe('resolveAccess', () => {
  it('builds a new member’s access with defaults and decoded, deduplicated ids', () => {
    expect(resolveAccess(null, { role: Role.MANAGER })).toEqual({ role: Role.MANAGER, allDomains: true, domainIds: [], customPermissions: [], templateIds: null });
    const gid = toGlobalId('Domain', domain);
    expect(resolveAccess(null, { role: Role.MANAGER, allDomains: false, domainIds: [gid, gid] }).domainIds).toEqual([domain]);
    const custom = resolveAccess(null, { role: Role.CUSTOM, permissions: [Permission.TEMPLATES_READ, Permission.TEMPLATES_READ], templateIds: [toGlobalId('Template', template)] });
    expect(custom).toMatchObject({ customPermissions: [Permission.TEMPLATES_READ], templateIds: [template] });
  });

  it('refuses permissions and templates outside CUSTOM, and domain ids with allDomains', () => {
    expect(fieldOf(() => resolveAccess(null, { role: Role.MANAGER, permissions: [Permission.EMAIL_SEND] }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'permissions' });
    expect(fieldOf(() => resolveAccess(null, { role: Role.DESIGNER, templateIds: [] }))).toMatchObject({ field: 'templateIds' });
    expect(fieldOf(() => resolveAccess(null, { role: Role.MANAGER, domainIds: [toGlobalId('Domain', domain)] }))).toMatchObject({ field: 'domainIds' });
    expect(fieldOf(() => resolveAccess(null, { role: Role.MANAGER, allDomains: false, domainIds: [toGlobalId('Tenant', domain)] }))).toMatchObject({ field: 'domainIds' });
  });

  it('never gives a client (limited to domains or templates) ADMIN or ACCOUNTANT', () => {
    for (const role of [Role.ADMIN, Role.ACCOUNTANT]) {
      expect(fieldOf(() => resolveAccess(null, { role, allDomains: false, domainIds: [] }))).toMatchObject({ field: 'role' });
    }
    const limited: MemberAccess = { role: Role.MANAGER, allDomains: false, domainIds: [domain], customPermissions: [], templateIds: null };
    expect(fieldOf(() => resolveAccess(limited, { role: Role.ADMIN }))).toMatchObject({ field: 'role' });
    expect(resolveAccess(limited, { role: Role.ADMIN, allDomains: true })).toMatchObject({ role: Role.ADMIN, allDomains: true, domainIds: [] });
  });

  it('keeps what an update leaves out, clears CUSTOM fields when leaving CUSTOM, and null removes the allow-list', () => {
    const custom: MemberAccess = { role: Role.CUSTOM, allDomains: false, domainIds: [domain], customPermissions: [Permission.TEMPLATES_READ], templateIds: [template] };
    expect(resolveAccess(custom, {})).toEqual(custom);
    expect(resolveAccess(custom, { templateIds: null }).templateIds).toBeNull();
    expect(resolveAccess(custom, { role: Role.DESIGNER })).toEqual({ role: Role.DESIGNER, allDomains: false, domainIds: [domain], customPermissions: [], templateIds: null });
    expect(resolveAccess(custom, { allDomains: true }).domainIds).toEqual([]);
  });
});
