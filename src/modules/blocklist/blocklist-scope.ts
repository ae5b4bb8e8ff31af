import type { Dictionary } from '@mikro-orm/core';
import type { Scope } from '../../auth/scope';
import { ownedRows } from '../../db/scope-filter';

/**
 * Who sees a monitor and its checks, hits and alerts: account-wide principals all of them (account-owned
 * monitors of the agency's own IPs included); a tenant's principals the monitors of that tenant; a domain
 * principal those linked to its domain. Account-owned rows (no tenant, no domain) are account-wide only.
 */
export function blocklistScope(s: Scope): Dictionary | null {
  return ownedRows(s, { tenant: 'tenant', domain: 'domain' }, true);
}
