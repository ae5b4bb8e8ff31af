import type { Context } from '../../context';
import { Domain } from '../domains/domain.entity';
import type { SenderIdentity } from '../identities/sender-identity.entity';

/**
 * The domain a sender identity in the caller's scope sends through and is signed by. Often the
 * agency's own domain, which the caller may not see: so it is read past the scope, by the identity's
 * own domain id and account only. Null when that domain is gone. Read-only.
 */
export function signingDomainOf(ctx: Context, identity: SenderIdentity): Promise<Domain | null> {
  return ctx.systemAccess.em().findOne(Domain, { id: identity.domain.id, account: identity.account.id });
}
