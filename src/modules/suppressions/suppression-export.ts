import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { sign, verifySignature } from '../../lib/crypto';
import { isUuid } from '../../lib/ids';
import type { ResolvedSuppressionFilter } from './sql';
import { type StoredPrincipal, storePrincipal } from '../sending/principal-refresh';
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
  const body = { a: c.accountId, p: c.principal, f: c.filter, e: Math.floor(c.expiresAt.getTime() / 1000) };
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

function readPrincipal(p: unknown): StoredPrincipal | null {
  const x = (p ?? {}) as Record<string, unknown>;
  const label = typeof x.label === 'string' ? x.label : '';
  if (x.kind === 'API_TOKEN' && typeof x.tokenId === 'string' && isUuid(x.tokenId)) return { kind: 'API_TOKEN', tokenId: x.tokenId, label };
  if (x.kind === 'MEMBER' && [x.membershipId, x.userId, x.sessionId].every((v) => typeof v === 'string' && isUuid(v))) {
    return { kind: 'MEMBER', membershipId: x.membershipId as string, userId: x.userId as string, sessionId: x.sessionId as string, label };
  }
  return null;
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
  const { a, p, f, e } = raw ?? {};
  if (typeof a !== 'string' || !isUuid(a) || typeof e !== 'number') return null;
  if (e * 1000 <= now.getTime()) return null;
  const principal = readPrincipal(p);
  const filter = readFilter(f);
  if (!principal || !filter) return null;
  return { accountId: a, principal, filter, expiresAt: new Date(e * 1000) };
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
