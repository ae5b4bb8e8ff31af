import { describe, expect, it } from 'vitest';
import { Permission } from '../../auth/permissions';
import type { Scope } from '../../auth/scope';
import { ApiTokenScopeKind } from './api-token.types';
import { assertPermissionsGrantable, assertTargetGrantable, targetWithinScope, type TokenTarget } from './token-grant';

const base: Scope = {
  accountId: 'a',
  allDomains: false,
  tenantIds: [],
  domainIds: [],
  identityIds: [],
  readableTenantIds: [],
  permissions: [Permission.TOKENS_MANAGE],
  templateIds: null,
  membershipId: null,
  principalKey: 'token:t',
};
const account: TokenTarget = { kind: ApiTokenScopeKind.ACCOUNT };
const tenantT: TokenTarget = { kind: ApiTokenScopeKind.TENANT, tenantId: 'T' };
const domainOfT: TokenTarget = { kind: ApiTokenScopeKind.DOMAIN, domainId: 'D', tenantId: 'T' };
const otherDomain: TokenTarget = { kind: ApiTokenScopeKind.DOMAIN, domainId: 'E', tenantId: 'U' };
const identityOnD: TokenTarget = { kind: ApiTokenScopeKind.SENDER_IDENTITY, identityId: 'I', domainId: 'D', tenantId: 'T' };

describe('token scopes stay inside the creator’s scope', () => {
  it('account-wide callers grant anything; template-limited callers nothing', () => {
    const all = { ...base, allDomains: true };
    expect([account, tenantT, domainOfT, identityOnD].every((t) => targetWithinScope(all, t))).toBe(true);
    expect(targetWithinScope({ ...all, templateIds: ['x'] }, domainOfT)).toBe(false);
    expect(() => assertTargetGrantable({ ...all, templateIds: [] }, domainOfT)).toThrow(/templates/);
  });

  it('a tenant caller grants its tenant and what is in it, never the account or another tenant', () => {
    const t = { ...base, tenantIds: ['T'], domainIds: ['D'], identityIds: ['I'], readableTenantIds: ['T'] };
    expect([tenantT, domainOfT, identityOnD].every((x) => targetWithinScope(t, x))).toBe(true);
    expect(targetWithinScope(t, account)).toBe(false);
    expect(targetWithinScope(t, otherDomain)).toBe(false);
  });

  it('a domain caller grants the domain and identities on it, not its tenant; an identity caller only the identity', () => {
    const d = { ...base, domainIds: ['D'], readableTenantIds: ['T'] };
    // An agency domain (no tenant): an identity of client T on it would read tenant T's row.
    const agency = { ...base, domainIds: ['D'], readableTenantIds: [] };
    expect(targetWithinScope(agency, { kind: ApiTokenScopeKind.DOMAIN, domainId: 'D', tenantId: null })).toBe(true);
    expect(targetWithinScope(agency, identityOnD)).toBe(false);
    expect(targetWithinScope(d, domainOfT)).toBe(true);
    expect(targetWithinScope(d, identityOnD)).toBe(true);
    expect(targetWithinScope(d, tenantT)).toBe(false);
    const i = { ...base, identityIds: ['I'], readableTenantIds: ['T'] };
    expect(targetWithinScope(i, identityOnD)).toBe(true);
    expect(targetWithinScope(i, domainOfT)).toBe(false);
    expect(() => assertTargetGrantable(i, tenantT)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
  });

  it('names the permissions the caller does not hold', () => {
    expect(() => assertPermissionsGrantable(base, [Permission.TOKENS_MANAGE])).not.toThrow();
    expect(() => assertPermissionsGrantable(base, [Permission.TOKENS_MANAGE, Permission.EMAIL_SEND, Permission.BILLING_READ])).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('EMAIL_SEND, BILLING_READ'),
        extensions: expect.objectContaining({ code: 'FORBIDDEN', missingPermissions: ['EMAIL_SEND', 'BILLING_READ'] }),
      }),
    );
  });
});
