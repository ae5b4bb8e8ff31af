import type { MikroORM } from '@mikro-orm/postgresql';
import type { Principal } from '../../auth/principal';
import { systemEm } from '../../context';
import type { Clock } from '../../lib/clock';
import { isUuid } from '../../lib/ids';
import { memberPrincipal, tokenPrincipal } from '../access/scope-builder';
import { ApiToken, ApiTokenStatus } from '../api-tokens/api-token.entity';
import { Membership, MemberStatus } from '../members/membership.entity';

/** What background work keeps of the principal that asked for it (plain data, stored in the job payload). */
export type StoredPrincipal = { kind: 'API_TOKEN'; tokenId: string; label: string } | { kind: 'MEMBER'; membershipId: string; userId: string; sessionId: string; label: string };

/** The part of a principal that background work stores; null for the public. */
export function storePrincipal(p: Principal): StoredPrincipal | null {
  if (p.kind === 'API_TOKEN') return { kind: 'API_TOKEN', tokenId: p.tokenId, label: p.label };
  if (p.kind === 'MEMBER') return { kind: 'MEMBER', membershipId: p.membershipId, userId: p.userId, sessionId: p.sessionId, label: p.label };
  return null;
}

/** Reads a stored principal back from untrusted JSON (a signed link's claims); null unless it is one. */
export function readStoredPrincipal(p: unknown): StoredPrincipal | null {
  const x = (p ?? {}) as Record<string, unknown>;
  const label = typeof x.label === 'string' ? x.label : '';
  if (x.kind === 'API_TOKEN' && typeof x.tokenId === 'string' && isUuid(x.tokenId)) return { kind: 'API_TOKEN', tokenId: x.tokenId, label };
  if (x.kind === 'MEMBER' && [x.membershipId, x.userId, x.sessionId].every((v) => typeof v === 'string' && isUuid(v))) {
    return { kind: 'MEMBER', membershipId: x.membershipId as string, userId: x.userId as string, sessionId: x.sessionId as string, label };
  }
  return null;
}

/**
 * Rebuilds a stored principal with its scope as it is now, so background work acts with the rights
 * the principal still has: null when the token is no longer active or the membership was removed.
 */
export async function currentPrincipal(orm: MikroORM, clock: Clock, stored: StoredPrincipal): Promise<Principal | null> {
  const em = systemEm(orm);
  if (stored.kind === 'API_TOKEN') {
    const token = await em.findOne(ApiToken, { id: stored.tokenId });
    if (!token || token.statusAt(clock.now()) !== ApiTokenStatus.ACTIVE) return null;
    return tokenPrincipal(em, token);
  }
  const m = await em.findOne(Membership, { id: stored.membershipId });
  if (!m || m.status !== MemberStatus.ACTIVE) return null;
  return memberPrincipal(em, m, stored.userId, stored.sessionId, stored.label);
}
