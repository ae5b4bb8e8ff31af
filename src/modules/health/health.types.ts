import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Domain } from '../domains/domain.entity';
import { BlocklistHit } from '../blocklist/blocklist-hit.entity';
import { DmarcPolicy } from '../dmarc/dmarc.enums';
import { DnsRecordKind, DnsRecordStatus } from '../domains/domain.types';
import { HealthStatus } from './health';

registerEnumType(HealthStatus, {
  name: 'HealthStatus',
  description: 'Overall health of a sending domain: the worst of its reasons.',
  valuesConfig: {
    HEALTHY: { description: 'Nothing to act on.' },
    WARNING: {
      description: 'Something to fix before it hurts: complaint rate ≥ 0.1 % or bounce rate > 2 % over 7 days, an optional DNS record failing, or the DMARC record missing or invalid.',
    },
    CRITICAL: {
      description: 'Deliverability suffers now: complaint rate ≥ 0.3 % (Gmail’s ceiling) or bounce rate > 5 % over 7 days, a blocklist listing, or a required DNS record failing.',
    },
  },
});

/** The state of one of the domain's DNS records in a health view. */
@ObjectType({ description: 'The last check of one of the domain’s DNS records.' })
export class DomainHealthRecord {
  @Field(() => DnsRecordKind, { description: 'Which record.' })
  kind!: DnsRecordKind;

  @Field(() => Boolean, { description: 'Whether the domain needs it (a failing required record is CRITICAL, an optional one WARNING).' })
  required!: boolean;

  @Field(() => DnsRecordStatus, { description: 'Outcome of the last check.' })
  status!: DnsRecordStatus;

  @Field(() => String, { nullable: true, description: 'What is wrong, when not VERIFIED.' })
  problem!: string | null;
}

/** The DMARC monitor's summary in a health view. */
@ObjectType({ description: 'The domain’s DMARC monitor: its record check and the last 30 days of reports.' })
export class DomainHealthDmarc {
  @Field(() => ID, { description: 'The DmarcMonitor.' })
  monitorId!: string;

  @Field(() => Boolean, { description: 'Whether the published record is valid (false: WARNING).' })
  recordValid!: boolean;

  @Field(() => DmarcPolicy, { description: 'The policy the monitor aims for.' })
  wantedPolicy!: DmarcPolicy;

  @Field(() => DmarcPolicy, { description: 'The policy the published record sets (NONE when none is found).' })
  currentPolicy!: DmarcPolicy;

  @Field(() => Date, { nullable: true, description: 'When the record was last checked.' })
  lastCheckedAt!: Date | null;

  @Field(() => Int, { description: 'Messages reported over the last 30 days.' })
  messages30d!: number;

  @Field(() => Float, { nullable: true, description: 'Share (0–1) of those that passed DMARC; null without reports.' })
  alignedRate30d!: number | null;

  @Field(() => DmarcPolicy, { description: 'The policy recommended from the last 30 days (one step up at ≥ 98 % aligned).' })
  recommendedPolicy!: DmarcPolicy;
}

/** One view of a domain's health. */
@ObjectType({
  description:
    'One view of a sending domain’s health: DNS, DMARC, blocklists and the last 7 days of bounces and complaints. Rates are judged once at least 100 messages were sent (bounces) or delivered (complaints).',
})
export class DomainHealth {
  @Field(() => HealthStatus, { description: 'The worst of the reasons; HEALTHY when there are none.' })
  status!: HealthStatus;

  @Field(() => [DomainHealthRecord], { description: 'Per DNS record, the last check’s state.' })
  dns!: DomainHealthRecord[];

  @Field(() => DomainHealthDmarc, { nullable: true, description: 'The DMARC monitor’s summary; null when the domain has none (the DMARC DNS record still counts).' })
  dmarc!: DomainHealthDmarc | null;

  @Field(() => [BlocklistHit], { description: 'Current listings of the domain or of addresses monitored for it (each is CRITICAL).' })
  blocklist!: BlocklistHit[];

  @Field(() => Float, { nullable: true, description: 'Hard bounces / sent over the last 7 days (0–1; > 0.02 WARNING, > 0.05 CRITICAL); null when nothing was sent.' })
  bounceRate7d!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Spam complaints / delivered over the last 7 days (0–1; ≥ 0.001 WARNING, ≥ 0.003 CRITICAL, Gmail’s ceiling); null when nothing was delivered.',
  })
  complaintRate7d!: number | null;

  @Field(() => [String], { description: 'Why the status is not HEALTHY, most severe first, in words.' })
  reasons!: string[];
}

/** Which domains domainHealthChanged streams. */
@InputType({ description: 'Which domains’ health changes.' })
export class DomainHealthFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Only these domains (at most 100).' })
  domainIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only this client’s domains.' })
  tenantId?: string | null;
}

/** A change of a domain's health status. */
@ObjectType({ description: 'A domain whose health status changed, with its health now (judged in your scope).' })
export class DomainHealthChange {
  @Field(() => Domain, { description: 'The domain.' })
  domain!: Domain;

  @Field(() => HealthStatus, { nullable: true, description: 'The status before; null when it was first judged.' })
  previousStatus!: HealthStatus | null;

  @Field(() => DomainHealth, { description: 'Its health now.' })
  health!: DomainHealth;
}
