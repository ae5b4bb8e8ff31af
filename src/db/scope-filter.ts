import type { Dictionary } from '@mikro-orm/core';
import { isAccountWide, type Scope, type ScopeFilterArgs } from '../auth/scope';

/** The name of the row filter every account-owned entity declares. */
export const SCOPE_FILTER = 'scope';

const NOTHING = { id: { $in: ['00000000-0000-0000-0000-000000000000'] } };

/**
 * Builds the `scope` filter for an entity: rows of the principal's account, narrowed by `narrow`
 * when the principal is not account-wide (or always, when `narrow` says so). It is enabled by
 * default and takes the scope as its parameter, so a query run without a scope throws instead of
 * returning every client's rows; system work opts in explicitly with `{ kind: 'system' }`.
 */
export function scopeFilter(narrow: (s: Scope) => Dictionary | null, accountKey = 'account') {
  return {
    name: SCOPE_FILTER,
    default: true,
    cond: (args: ScopeFilterArgs): Dictionary => {
      if (args.kind === 'system') return {};
      if (args.kind !== 'principal') return NOTHING;
      const extra = narrow(args.scope);
      const base = { [accountKey]: args.scope.accountId };
      return extra ? { $and: [base, extra] } : base;
    },
  };
}

const NO_ID = '00000000-0000-0000-0000-000000000000';

/** `$in` over ids that also works for empty lists (MikroORM renders an empty `$in` as `in ()` inside the joins it adds for filtered relations). */
export function inIds(ids: readonly string[]): Dictionary {
  return { $in: ids.length ? [...ids] : [NO_ID] };
}

/** Which owner each property of a row names: `{ domain: 'domain', tenant: 'tenant', senderIdentity: 'identity' }`. */
export type OwnerProps = Readonly<Record<string, 'domain' | 'tenant' | 'identity'>>;

/**
 * The scope filter's narrowing for rows owned by a domain, tenant or sender identity: the ORM twin of
 * scopeAdmitsRow (src/auth/scope.ts) and scopeCondition (src/db/scope-sql.ts). Nothing for an
 * account-wide principal; with all domains, every row but the account's own (`accountLevel`: the table
 * has rows that no domain, tenant or identity owns); otherwise the rows of the listed owners, or `extra`.
 */
export function ownedRows(s: Scope, owners: OwnerProps, accountLevel: boolean, extra: readonly Dictionary[] = []): Dictionary | null {
  if (isAccountWide(s)) return null;
  if (s.allDomains) return accountLevel ? { $or: Object.keys(owners).map((prop) => ({ [prop]: { $ne: null } })) } : null;
  const ids = { domain: s.domainIds, tenant: s.tenantIds, identity: s.identityIds };
  return { $or: [...Object.entries(owners).map(([prop, kind]) => ({ [prop]: inIds(ids[kind]) })), ...extra] };
}

/** The narrowing for rows only an account-wide principal sees (the account's own: members, system e-mails…), or `narrow`. */
export function accountRows(s: Scope, narrow: Dictionary = NOTHING): Dictionary | null {
  return isAccountWide(s) ? null : narrow;
}
