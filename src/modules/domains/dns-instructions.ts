import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { sign, verifySignature } from '../../lib/crypto';
import { isUuid } from '../../lib/ids';
import type { DnsInstructionsInput } from './domain.inputs';
import type { DnsInstructionsPayload } from './domain.payloads';
import { loadDomain } from './domain.service';

const PURPOSE = 'dns-instructions';

/** Default and maximum lifetime of a DNS instructions link, in hours. */
export const INSTRUCTIONS_HOURS = { default: 168, max: 720 };

/** What a DNS instructions link grants: read access to one domain's records until `expiresAt`. */
export interface InstructionsClaims {
  domainId: string;
  accountId: string;
  expiresAt: Date;
}

/** Signs claims into a URL-safe token: base64url(JSON {d, a, e}) + '.' + HMAC signature. */
export function createInstructionsToken(secret: Buffer, claims: InstructionsClaims): string {
  const payload = Buffer.from(JSON.stringify({ d: claims.domainId, a: claims.accountId, e: Math.floor(claims.expiresAt.getTime() / 1000) })).toString('base64url');
  return `${payload}.${sign(secret, PURPOSE, payload)}`;
}

/** Verifies a token's signature and expiry; null when it is malformed, tampered with or expired. */
export function readInstructionsToken(secret: Buffer, token: string, now: Date): InstructionsClaims | null {
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]{1,400}$/.test(parts[0]) || !/^[A-Za-z0-9_-]{1,100}$/.test(parts[1])) return null;
  if (!verifySignature(secret, PURPOSE, parts[0], parts[1])) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const { d, a, e } = (raw ?? {}) as { d?: unknown; a?: unknown; e?: unknown };
  if (typeof d !== 'string' || typeof a !== 'string' || typeof e !== 'number' || !isUuid(d) || !isUuid(a)) return null;
  if (e * 1000 <= now.getTime()) return null;
  return { domainId: d, accountId: a, expiresAt: new Date(e * 1000) };
}

/** Creates a signed, read-only link to a domain's DNS records (DOMAINS_READ). No writes. */
export async function createDnsInstructions(ctx: Context, input: DnsInstructionsInput): Promise<DnsInstructionsPayload> {
  requirePermission(ctx, Permission.DOMAINS_READ);
  const hours = input.expiresInHours ?? INSTRUCTIONS_HOURS.default;
  if (!Number.isInteger(hours) || hours < 1 || hours > INSTRUCTIONS_HOURS.max) throw badInput('expiresInHours', `expiresInHours must be from 1 to ${INSTRUCTIONS_HOURS.max}`);
  const domain = await loadDomain(ctx, input.domainId, 'domainId');
  const expiresAt = new Date(Math.floor((ctx.deps.clock.now().getTime() + hours * 3600_000) / 1000) * 1000);
  const token = createInstructionsToken(ctx.config.secret, { domainId: domain.id, accountId: domain.account.id, expiresAt });
  return { url: `${ctx.config.publicUrl}/dns-instructions/${token}`, expiresAt, domain };
}
