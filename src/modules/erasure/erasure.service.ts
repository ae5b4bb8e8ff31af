import { Permission } from '../../auth/permissions';
import { type Context, requireAccountWide, requirePermission } from '../../context';
import { badInput, forbidden } from '../../graphql/errors';
import { type Page, type PageArgs, paginateRows } from '../../graphql/pagination';
import type { Row } from '../../db/read-rows';
import { sign } from '../../lib/crypto';
import { parseEmailAddress } from '../mail/address';
import { getTenant } from '../tenants/tenant.service';
import { ErasureRequest } from './erasure-request.entity';
import type { EraseRecipientInput } from './erasure.inputs';
import { eraseInTenant } from './erasure.queries';

/** The keyed hash of an address in an account (hex) and the marker that replaces it. Pure. */
export function erasureMarker(secret: Buffer, accountId: string, email: string): { hash: string; marker: string } {
  const hash = Buffer.from(sign(secret, 'recipient-erasure', `${accountId}:${email}`), 'base64url').toString('hex');
  return { hash, marker: `erased-${hash.slice(0, 24)}@erased.invalid` };
}

/**
 * Erases one recipient's personal data from one tenant (GDPR art. 17; see eraseInTenant for what
 * changes) and records it, in one transaction. Needs DATA_ERASE and the whole tenant in scope: a tenant
 * outside the scope answers NOT_FOUND exactly as a missing one; a principal that sees only part of the
 * tenant (a domain or sender identity of it) gets FORBIDDEN. Writes.
 */
export async function eraseRecipient(ctx: Context, input: EraseRecipientInput): Promise<ErasureRequest> {
  const scope = requirePermission(ctx, Permission.DATA_ERASE);
  const parsed = parseEmailAddress(input.email);
  if (!parsed.ok) throw badInput('email', `email ${parsed.reason}`);
  const email = parsed.email.toLowerCase();
  if (/["\\]/.test(email)) throw badInput('email', 'email must not contain quotes or backslashes');
  const tenant = await getTenant(ctx, input.tenantId, 'tenantId');
  if (!scope.allDomains && !scope.tenantIds.includes(tenant.id)) throw forbidden('Erasing needs the whole tenant in your scope');
  const { hash, marker } = erasureMarker(ctx.config.secret, scope.accountId, email);
  return ctx.em.transactional(async (em) => {
    const counts = await eraseInTenant(em, scope.accountId, tenant.id, email, marker);
    const record = em.create(ErasureRequest, {
      account: scope.accountId,
      tenantUuid: tenant.id,
      principalKey: scope.principalKey,
      principalLabel: ctx.principal.kind === 'PUBLIC' ? '' : ctx.principal.label,
      emailHash: hash,
      ...counts,
    });
    await em.flush();
    ctx.logger.info({ tenantId: tenant.id, erasureId: record.id, ...counts }, 'recipient erased');
    return record;
  });
}

/** The account's erasure records, oldest first. Needs DATA_ERASE and an account-wide principal. */
export async function listErasures(ctx: Context, args: PageArgs): Promise<Page<Row<ErasureRequest>>> {
  requirePermission(ctx, Permission.DATA_ERASE);
  requireAccountWide(ctx);
  return paginateRows(ctx.em, ErasureRequest, {}, args);
}
