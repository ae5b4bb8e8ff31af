import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { openClaims, signClaims } from '../../auth/signed-claims';
import { isUuid } from '../../lib/ids';
import type { ResolvedSuppressionFilter } from './sql';
import { readStoredPrincipal, type StoredPrincipal, storePrincipal } from '../sending/principal-refresh';
import { SuppressionList } from './suppression.enums';
import { type ExportSuppressionsInput, resolveSuppressionFilter, SUPPRESSION_LIMITS } from './suppressions.inputs';

const PURPOSE = 'suppression-export';

/**
 * What an export link grants: reading, until `expiresAt`, the entries that match a filter and that
 * its principal may read when the link is followed — the principal is rebuilt then (a revoked token,
 * ended membership or narrowed scope reads less or nothing), and its account must be the link's.
 */
export interface ExportClaims {
  accountId: string;
  principal: StoredPrincipal;
  filter: ResolvedSuppressionFilter;
  expiresAt: Date;
}

/** Signs claims into a URL-safe token: base64url(JSON) + '.' + HMAC signature (purpose-bound key). */
export function createExportToken(secret: Buffer, c: ExportClaims): string {
  return signClaims(secret, PURPOSE, c.accountId, c.expiresAt, { p: c.principal, f: c.filter });
}

const uuids = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && isUuid(x));
const LISTS = new Set<string>(Object.values(SuppressionList));

function readFilter(f: unknown): ResolvedSuppressionFilter | null {
  const x = (f ?? {}) as Record<string, unknown>;
  const lists = x.lists === null ? null : Array.isArray(x.lists) && x.lists.every((l) => typeof l === 'string' && LISTS.has(l)) ? (x.lists as SuppressionList[]) : undefined;
  const domainIds = x.domainIds === null ? null : uuids(x.domainIds) ? x.domainIds : undefined;
  const tenantId = x.tenantId === null ? null : typeof x.tenantId === 'string' && isUuid(x.tenantId) ? x.tenantId : undefined;
  const query = x.query === null ? null : typeof x.query === 'string' && x.query.length <= SUPPRESSION_LIMITS.query ? x.query : undefined;
  if (lists === undefined || domainIds === undefined || tenantId === undefined || query === undefined) return null;
  return { lists, domainIds, tenantId, query };
}

/** Verifies a token's signature and expiry; null when it is malformed, tampered with or expired. */
export function readExportToken(secret: Buffer, token: string, now: Date): ExportClaims | null {
  const opened = openClaims(secret, PURPOSE, token, now, 12000);
  if (!opened) return null;
  const { p, f } = opened.raw;
  const principal = readStoredPrincipal(p);
  const filter = readFilter(f);
  if (!principal || !filter) return null;
  return { accountId: opened.accountId, principal, filter, expiresAt: opened.expiresAt };
}

/**
 * Creates a signed download link, valid for an hour, for the CSV of the entries the caller may read
 * that match the filter (SUPPRESSIONS_READ). The link names the caller; when it is followed the caller's
 * access is read again, so it never shows more than the caller may read then. No writes.
 */
export function createExport(ctx: Context, input: ExportSuppressionsInput): { url: string; expiresAt: Date } {
  const scope = requirePermission(ctx, Permission.SUPPRESSIONS_READ);
  const filter = resolveSuppressionFilter(input.filter);
  const expiresAt = new Date(Math.floor((ctx.deps.clock.now().getTime() + SUPPRESSION_LIMITS.exportMinutes * 60_000) / 1000) * 1000);
  const token = createExportToken(ctx.config.secret, { accountId: scope.accountId, principal: storePrincipal(ctx.principal)!, filter, expiresAt });
  return { url: `${ctx.config.publicUrl}/suppressions/export/${token}`, expiresAt };
}
