import type { EntityManager } from '@mikro-orm/postgresql';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { fromGlobalId, fromOptionalGlobalId } from '../../graphql/global-id';
import { publishAllOnCommit } from '../../pubsub/bus';
import { Domain } from '../domains/domain.entity';
import type { HealthStatus } from './health';
import { domainHealth, HEALTH_PERMISSIONS } from './health.service';
import type { DomainHealthChange, DomainHealthFilterInput } from './health.types';
import { releasing } from '../../lib/expand';

/** Bus topic of domain health status changes. */
export const DOMAIN_HEALTH_CHANGED = 'domainHealthChanged';
/** The most domains a subscription filter names. */
const MAX_FILTER_IDS = 100;

/** What is published when a domain's health status changed: ids and statuses only, never data. */
export interface DomainHealthChangedEvent {
  domainId: string;
  accountId: string;
  previous: HealthStatus | null;
}

/** Publishes health changes when `em`'s transaction (the one that stored them) commits. Side effects: NOTIFY on commit. */
export async function publishHealthChanges(em: EntityManager, events: readonly DomainHealthChangedEvent[]): Promise<void> {
  await publishAllOnCommit(em, DOMAIN_HEALTH_CHANGED, events);
}

function isEvent(e: unknown): e is DomainHealthChangedEvent {
  return typeof e === 'object' && e !== null && typeof (e as DomainHealthChangedEvent).domainId === 'string' && typeof (e as DomainHealthChangedEvent).accountId === 'string';
}

/**
 * The stream of health changes of domains in the subscriber's scope (DOMAINS_READ, ANALYTICS_READ,
 * DMARC_READ, BLOCKLIST_READ), optionally of some domains or of one tenant. Events of other accounts are
 * dropped first; each remaining domain is re-loaded through the subscriber's scoped entity manager
 * (dropped when that finds nothing, so no subscriber receives a domain outside its scope) and its health
 * judged afresh in that scope. Filter ids are checked before the stream starts.
 */
export function domainHealthChanges(ctx: Context, filter: DomainHealthFilterInput | null | undefined): AsyncIterableIterator<DomainHealthChange> {
  const scope = requirePermission(ctx, ...HEALTH_PERMISSIONS);
  if ((filter?.domainIds?.length ?? 0) > MAX_FILTER_IDS) throw badInput('filter.domainIds', `At most ${MAX_FILTER_IDS} domains`);
  const domainIds = filter?.domainIds ? new Set(filter.domainIds.map((id) => fromGlobalId(id, 'Domain', 'filter.domainIds'))) : null;
  const tenantId = fromOptionalGlobalId(filter?.tenantId, 'Tenant', 'filter.tenantId');
  // Subscribed at once, so no change after this call is missed.
  const wake = ctx.deps.bus.subscribe(DOMAIN_HEALTH_CHANGED);
  return releasing(changesFrom(ctx, scope.accountId, domainIds, tenantId, wake), () => wake.return?.());
}

async function* changesFrom(ctx: Context, accountId: string, domainIds: Set<string> | null, tenantId: string | null, wake: AsyncIterableIterator<unknown>): AsyncGenerator<DomainHealthChange> {
  try {
    for await (const e of { [Symbol.asyncIterator]: () => wake }) {
      if (!isEvent(e) || e.accountId !== accountId || (domainIds && !domainIds.has(e.domainId))) continue;
      ctx.renew();
      const domain = await ctx.em.findOne(Domain, { id: e.domainId });
      if (!domain || (tenantId && domain.tenant?.id !== tenantId)) continue;
      yield { domain, previousStatus: e.previous, health: await domainHealth(ctx, domain) };
    }
  } finally {
    await wake.return?.();
  }
}
