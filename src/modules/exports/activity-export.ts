import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { ActivityEventType } from '../../events/event-type';
import { badInput } from '../../graphql/errors';
import { openClaims, signClaims } from '../../auth/signed-claims';
import { isUuid } from '../../lib/ids';
import { type ResolvedFilter, resolveFilter } from '../activity/activity-filter';
import { readStoredPrincipal, type StoredPrincipal, storePrincipal } from '../sending/principal-refresh';
import { ActivityExportFormat, type ExportActivityInput } from './exports.inputs';

const PURPOSE = 'activity-export';
/** How long a link lives. */
export const ACTIVITY_EXPORT_MINUTES = 60;
/** The longest token a link carries (the request line must stay well under Node's 16 KiB header limit). */
export const MAX_TOKEN_LENGTH = 14_000;
const MAX_TAG = 200;

/**
 * What an activity export link grants: reading, until `expiresAt`, the events that match a filter and
 * that its principal may read when the link is followed (the principal is rebuilt then: a revoked token,
 * an ended membership or a narrowed scope reads less or nothing); its account must be the link's.
 */
export interface ActivityExportClaims {
  accountId: string;
  principal: StoredPrincipal;
  filter: ResolvedFilter;
  format: ActivityExportFormat;
  expiresAt: Date;
}

/** Signs claims into a URL-safe token: base64url(JSON) + '.' + HMAC signature (purpose-bound key). Pure. */
export function createActivityExportToken(secret: Buffer, c: ActivityExportClaims): string {
  return signClaims(secret, PURPOSE, c.accountId, c.expiresAt, { p: c.principal, f: c.filter, o: c.format });
}

const uuidList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= 100 && v.every((x) => typeof x === 'string' && isUuid(x));
const TYPES = new Set<string>(Object.values(ActivityEventType));

function optional<T>(v: unknown, ok: (x: unknown) => x is T): T | null | undefined {
  if (v === null) return null;
  return ok(v) ? v : undefined;
}

function readDate(v: unknown): Date | null | undefined {
  if (v === null) return null;
  if (typeof v !== 'string') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function readFilter(f: unknown): ResolvedFilter | null {
  const x = (f ?? {}) as Record<string, unknown>;
  const uuid = (v: unknown): v is string => typeof v === 'string' && isUuid(v);
  const types = (v: unknown): v is ActivityEventType[] => Array.isArray(v) && v.every((t) => typeof t === 'string' && TYPES.has(t));
  const tags = (v: unknown): v is string[] => Array.isArray(v) && v.length <= 20 && v.every((t) => typeof t === 'string' && t.length <= MAX_TAG);
  const text = (v: unknown): v is string => typeof v === 'string' && v.length <= 254;
  const out = {
    tenantId: optional(x.tenantId, uuid),
    domainIds: optional(x.domainIds, uuidList),
    senderIdentityIds: optional(x.senderIdentityIds, uuidList),
    messageId: optional(x.messageId, uuid),
    types: optional(x.types, types),
    tags: optional(x.tags, tags),
    recipient: optional(x.recipient, text),
    from: readDate(x.from),
    to: readDate(x.to),
  };
  return Object.values(out).some((v) => v === undefined) ? null : (out as ResolvedFilter);
}

/** Verifies a token's signature and expiry; null when it is malformed, tampered with or expired. Pure. */
export function readActivityExportToken(secret: Buffer, token: string, now: Date): ActivityExportClaims | null {
  const opened = openClaims(secret, PURPOSE, token, now, 14000);
  if (!opened) return null;
  const { p, f, o } = opened.raw;
  if (o !== ActivityExportFormat.CSV && o !== ActivityExportFormat.JSON) return null;
  const principal = readStoredPrincipal(p);
  const filter = readFilter(f);
  if (!principal || !filter) return null;
  return { accountId: opened.accountId, principal, filter, format: o, expiresAt: opened.expiresAt };
}

/**
 * Creates a signed download link, valid for an hour, for the events the caller may read that match the
 * filter (ACTIVITY_READ), as CSV or JSON. The link names the caller; when it is followed the caller's
 * access is read again, so it never shows more than the caller may read then. No writes.
 */
export function createActivityExport(ctx: Context, input: ExportActivityInput): { url: string; expiresAt: Date } {
  const scope = requirePermission(ctx, Permission.ACTIVITY_READ);
  const filter = resolveFilter(input.filter);
  if (filter.tags?.some((t) => t.length > MAX_TAG)) throw badInput('filter.tags', `a tag to export by is at most ${MAX_TAG} characters`);
  const expiresAt = new Date(Math.floor((ctx.deps.clock.now().getTime() + ACTIVITY_EXPORT_MINUTES * 60_000) / 1000) * 1000);
  const token = createActivityExportToken(ctx.config.secret, { accountId: scope.accountId, principal: storePrincipal(ctx.principal)!, filter, format: input.format, expiresAt });
  if (token.length > MAX_TOKEN_LENGTH) throw badInput('filter', 'This filter is too large to put in a link: narrow it');
  return { url: `${ctx.config.publicUrl}/activity/export/${token}`, expiresAt };
}
