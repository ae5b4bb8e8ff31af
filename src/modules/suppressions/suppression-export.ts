import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { sign, verifySignature } from '../../lib/crypto';
import { isUuid } from '../../lib/ids';
import { type RowScope, rowScope } from '../../auth/scope';
import type { ResolvedSuppressionFilter } from './sql';
import { SuppressionList } from './suppression.enums';
import { type ExportSuppressionsInput, resolveSuppressionFilter, SUPPRESSION_LIMITS } from './suppressions.inputs';

const PURPOSE = 'suppression-export';

/** What an export link grants: reading, until `expiresAt`, the entries a principal's scope admits that match a filter. */
export interface ExportClaims {
  scope: RowScope;
  filter: ResolvedSuppressionFilter;
  expiresAt: Date;
}

/** Signs claims into a URL-safe token: base64url(JSON) + '.' + HMAC signature (purpose-bound key). */
export function createExportToken(secret: Buffer, c: ExportClaims): string {
  const s = c.scope;
  const body = { a: s.accountId, all: s.accountWide, r: s.allDomains, t: s.tenantIds, d: s.domainIds, i: s.identityIds, f: c.filter, e: Math.floor(c.expiresAt.getTime() / 1000) };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${sign(secret, PURPOSE, payload)}`;
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
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]{1,12000}$/.test(parts[0]) || !/^[A-Za-z0-9_-]{1,100}$/.test(parts[1])) return null;
  if (!verifySignature(secret, PURPOSE, parts[0], parts[1])) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { a, all, r = all, t, d, i, f, e } = raw ?? {};
  if (typeof a !== 'string' || !isUuid(a) || typeof all !== 'boolean' || typeof r !== 'boolean' || !uuids(t) || !uuids(d) || !uuids(i) || typeof e !== 'number') return null;
  if (e * 1000 <= now.getTime()) return null;
  const filter = readFilter(f);
  if (!filter) return null;
  return { scope: { accountId: a, accountWide: all, allDomains: r, tenantIds: t, domainIds: d, identityIds: i }, filter, expiresAt: new Date(e * 1000) };
}

/**
 * Creates a signed download link, valid for an hour, for the CSV of the entries the caller may read
 * that match the filter (SUPPRESSIONS_READ). The link carries the caller's scope, so it shows exactly
 * what the caller may read now. No writes.
 */
export function createExport(ctx: Context, input: ExportSuppressionsInput): { url: string; expiresAt: Date } {
  const scope = requirePermission(ctx, Permission.SUPPRESSIONS_READ);
  const filter = resolveSuppressionFilter(input.filter);
  const expiresAt = new Date(Math.floor((ctx.deps.clock.now().getTime() + SUPPRESSION_LIMITS.exportMinutes * 60_000) / 1000) * 1000);
  const token = createExportToken(ctx.config.secret, { scope: rowScope(scope), filter, expiresAt });
  return { url: `${ctx.config.publicUrl}/suppressions/export/${token}`, expiresAt };
}
