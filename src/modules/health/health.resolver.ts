import { Arg, Authorized, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context';
import { ReadsColumns } from '../../graphql/row-columns';
import { Domain } from '../domains/domain.entity';
import { domainHealthChanges } from './health-events';
import { domainHealth, HEALTH_PERMISSIONS, type HealthDomain } from './health.service';
import { DomainHealth, DomainHealthChange, DomainHealthFilterInput } from './health.types';

/** Adds `Domain.health`; lives with the health module so imports point one way. */
@Resolver(() => Domain)
export class DomainHealthResolver {
  @Authorized(...HEALTH_PERMISSIONS)
  @FieldResolver(() => DomainHealth, {
    description:
      'The domain’s health: CRITICAL for a complaint rate ≥ 0.3 % or a bounce rate > 5 % over 7 days, a blocklist listing or a failing required DNS record; WARNING for a complaint rate ≥ 0.1 %, a bounce rate > 2 %, a failing optional record or a missing or invalid DMARC record. Needs DOMAINS_READ, ANALYTICS_READ, DMARC_READ and BLOCKLIST_READ.',
  })
  @ReadsColumns('id', 'name', 'dnsRecords')
  health(@Root() domain: HealthDomain, @Ctx() ctx: Context): Promise<DomainHealth> {
    return domainHealth(ctx, domain);
  }
}

/** The domainHealthChanged subscription. */
@Resolver(() => DomainHealthChange)
export class DomainHealthChangeResolver {
  @Subscription(() => DomainHealthChange, {
    name: 'domainHealthChanged',
    description:
      'Yields a domain in your scope whenever its health status changes (judged again after sends, bounces, complaints, DNS status changes, blocklist listings and DMARC reports, and hourly), with its health now. Needs DOMAINS_READ, ANALYTICS_READ, DMARC_READ and BLOCKLIST_READ.',
    subscribe: ({ args, context }) => domainHealthChanges(context as Context, (args as { filter?: DomainHealthFilterInput | null }).filter),
  })
  domainHealthChanged(
    @Root() change: DomainHealthChange,
    @Arg('filter', () => DomainHealthFilterInput, { nullable: true, description: 'Which domains; all in your scope when omitted.' }) _filter?: DomainHealthFilterInput | null,
  ): DomainHealthChange {
    return change;
  }
}
