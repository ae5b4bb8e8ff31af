import type { Context } from '../../context';
import { badInput } from '../../graphql/errors';
import { signingDomainOf } from '../access/signing-domain';
import { Domain } from '../domains/domain.entity';
import { DomainStatus } from '../domains/domain.types';
import { assertSandboxUsable } from '../domains/sandbox-domain';
import { SenderIdentity, SenderIdentityStatus } from '../identities/sender-identity.entity';
import type { Address } from './send-request';

/** Who a message is sent as: the signing domain, the sender identity (if any) and the owning tenant. */
export interface SendingSource {
  domain: Domain;
  identity: SenderIdentity | null;
  tenantId: string | null;
}

const NOT_ALLOWED = 'from.email must be a confirmed sender identity or an address on a verified domain you can send from';

/**
 * Finds how the caller may send as `from`: a CONFIRMED sender identity in scope (signed by its
 * agency domain, loaded without the scope since the caller may not see it), else an address on a
 * VERIFIED domain in scope (the sandbox domain only with DELIVERY_MODE=sandbox). Anything else is BAD_USER_INPUT on `from.email`, worded the same
 * whether the address is unknown or belongs to another client.
 */
export async function resolveSender(ctx: Context, from: Address): Promise<SendingSource> {
  const identities = await ctx.em.find(SenderIdentity, { email: from.email }, { orderBy: { createdAt: 'asc' } });
  const identity = identities.find((i) => i.status === SenderIdentityStatus.CONFIRMED);
  if (identity) {
    const domain = await signingDomainOf(ctx, identity);
    if (!domain) throw badInput('from.email', NOT_ALLOWED);
    if (domain.status !== DomainStatus.VERIFIED) throw badInput('from.email', 'The domain this sender identity sends through is not verified at the moment');
    assertSandboxUsable(domain, ctx.config);
    return { domain, identity, tenantId: identity.tenant.id };
  }
  // Several unverified claims may share a name (see addDomain); the verified one is the sender.
  const named = await ctx.em.find(Domain, { name: from.email.slice(from.email.lastIndexOf('@') + 1) }, { orderBy: { createdAt: 'asc' } });
  const domain = named.find((d) => d.status === DomainStatus.VERIFIED) ?? named[0] ?? null;
  if (domain?.status === DomainStatus.VERIFIED) {
    assertSandboxUsable(domain, ctx.config);
    return { domain, identity: null, tenantId: domain.tenant?.id ?? null };
  }
  if (identities.length > 0) throw badInput('from.email', 'This sender identity is not confirmed yet: its owner must follow the confirmation link');
  if (domain) throw badInput('from.email', `The domain ${domain.name} is not verified yet`);
  throw badInput('from.email', NOT_ALLOWED);
}
