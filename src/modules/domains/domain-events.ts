import { filter, map, pipe } from '@graphql-yoga/subscription';
import { Permission } from '../../auth/permissions';
import type { Scope } from '../../auth/scope';
import { type Bus, type Context, requirePermission } from '../../context';
import { fromOptionalGlobalId } from '../../graphql/global-id';
import { Domain } from './domain.entity';
import { domainNotFound } from './domain.errors';

/** Bus topic of domain status changes. */
export const DOMAIN_STATUS_CHANGED = 'domainStatusChanged';

/** What is published when a domain's status changes: ids only, never data. */
export interface DomainStatusChangedEvent {
  domainId: string;
  accountId: string;
}

/** Publishes a domain's status change. Call only after the transaction that stored it committed. */
export function publishDomainStatusChanged(bus: Bus, domain: Domain): void {
  const event: DomainStatusChangedEvent = { domainId: domain.id, accountId: domain.account.id };
  bus.publish(DOMAIN_STATUS_CHANGED, event);
}

function isEvent(e: unknown): e is DomainStatusChangedEvent {
  return typeof e === 'object' && e !== null && typeof (e as DomainStatusChangedEvent).domainId === 'string' && typeof (e as DomainStatusChangedEvent).accountId === 'string';
}

/**
 * The stream of domains whose status changed, for a subscriber (DOMAINS_READ), optionally one domain
 * (NOT_FOUND when it is not in scope). Events of other accounts are dropped first; each remaining
 * domain is re-loaded through a fresh entity manager bound to the subscriber's scope, and dropped
 * when that finds nothing — so no subscriber receives a domain outside its scope.
 */
export async function domainStatusChanges(ctx: Context, domainGid: string | null | undefined): Promise<AsyncIterable<Domain>> {
  const scope: Scope = requirePermission(ctx, Permission.DOMAINS_READ);
  const only = fromOptionalGlobalId(domainGid, 'Domain', 'domainId');
  if (only && !(await ctx.em.findOne(Domain, { id: only }))) throw domainNotFound('domainId');
  return pipe(
    ctx.deps.bus.subscribe(DOMAIN_STATUS_CHANGED),
    filter((e: unknown): e is DomainStatusChangedEvent => isEvent(e) && e.accountId === scope.accountId && (!only || e.domainId === only)),
    map((e: DomainStatusChangedEvent) => ctx.em.fork({ clear: true }).findOne(Domain, { id: e.domainId })),
    filter((d: Domain | null): d is Domain => d !== null),
  );
}
