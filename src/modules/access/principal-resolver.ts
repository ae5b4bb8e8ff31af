import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { PrincipalResolver } from '../../auth/authenticate';
import { type AppError, unauthenticated } from '../../graphql/errors';
import { refusedAs } from '../../auth/refusal';
import { systemEm } from '../../context';
import type { Clock } from '../../lib/clock';
import { digestEquals, sha256 } from '../../lib/crypto';
import { ApiToken, ApiTokenStatus } from '../api-tokens/api-token.entity';
import { MemberStatus } from '../members/membership.entity';
import { Session } from '../members/session.entity';
import { memberPrincipal, tokenPrincipal } from './scope-builder';

const TOUCH_AFTER_MS = 30_000;

/** The refusal of a token that exists but is not active, marked with the token's principal (its calls are logged under it), when that can still be built. */
async function refusedToken(em: EntityManager, token: ApiToken, error: AppError): Promise<AppError> {
  try {
    return refusedAs(error, await tokenPrincipal(em, token));
  } catch {
    return error;
  }
}

/** Looks API tokens and sessions up by the SHA-256 of their secret and resolves their scope. */
export function createPrincipalResolver(orm: MikroORM, clock: Clock): PrincipalResolver {
  return {
    async byApiToken(secret) {
      const em = systemEm(orm);
      const hash = sha256(secret);
      const token = await em.findOne(ApiToken, { secretHash: hash }, { populate: ['secretHash'] });
      if (!token || !digestEquals(token.secretHash, hash)) throw unauthenticated('Invalid API token');
      const now = clock.now();
      const status = token.statusAt(now);
      if (status !== ApiTokenStatus.ACTIVE) throw await refusedToken(em, token, unauthenticated(`API token is ${status.toLowerCase()}`));
      if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_AFTER_MS) {
        await em.nativeUpdate(ApiToken, { id: token.id }, { lastUsedAt: now });
      }
      return tokenPrincipal(em, token);
    },
    async bySession(secret) {
      const em = systemEm(orm);
      const hash = sha256(secret);
      const session = await em.findOne(Session, { tokenHash: hash }, { populate: ['membership', 'membership.user'] });
      const now = clock.now();
      if (!session || !digestEquals(session.tokenHash, hash) || session.revokedAt || session.expiresAt <= now) throw unauthenticated('Invalid or expired session');
      const m = session.membership.getEntity();
      if (m.status !== MemberStatus.ACTIVE) throw unauthenticated('Invalid or expired session');
      if (!session.lastUsedAt || now.getTime() - session.lastUsedAt.getTime() > TOUCH_AFTER_MS) {
        await em.nativeUpdate(Session, { id: session.id }, { lastUsedAt: now });
      }
      return memberPrincipal(em, m, m.user.id, session.id, m.user.getEntity().email, session.expiresAt);
    },
  };
}
