import { Entity, Filter, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { inIds, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { ON_HOLD_LIMITS, OnHoldPolicy } from './on-hold-policy';
import { RETENTION_LIMITS, type RetentionPolicy } from './retention-policy';

/** A client of the agency. */
@Entity({ tableName: 'tenants' })
@Unique({ properties: ['account', 'tag'] })
@Filter(scopeFilter((s) => (s.allDomains ? null : { id: inIds(s.readableTenantIds) })))
@ObjectType({ implements: Node, description: "One of the agency's clients." })
export class Tenant extends BaseEntity implements Node {
  get nodeType(): string {
    return 'Tenant';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Field(() => String, { description: 'Display name.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { description: 'Short unique tag, used to tag the tenant’s mail and activity.' })
  @Property({ type: 'text' })
  tag!: string;

  @Property({ type: 'integer', default: ON_HOLD_LIMITS.softBounceThreshold.default })
  onHoldSoftBounceThreshold: number = ON_HOLD_LIMITS.softBounceThreshold.default;

  @Property({ type: 'integer', default: ON_HOLD_LIMITS.windowDays.default })
  onHoldWindowDays: number = ON_HOLD_LIMITS.windowDays.default;

  @Property({ type: 'integer', default: ON_HOLD_LIMITS.holdHours.default })
  onHoldHours: number = ON_HOLD_LIMITS.holdHours.default;

  @Field(() => Int, {
    description: `Days this client's messages and events are kept before the daily retention job deletes them (default ${RETENTION_LIMITS.default}; set by account-wide principals with updateTenant).`,
  })
  @Property({ type: 'integer', default: RETENTION_LIMITS.default })
  retentionDays: number = RETENTION_LIMITS.default;

  @Field(() => Int, {
    nullable: true,
    description: 'When set, days a message keeps its content (subject, bodies, raw MIME, variables, headers); the retention job clears it after that, keeping the message, its status and events.',
  })
  @Property({ type: 'integer', nullable: true })
  contentRetentionDays: number | null = null;

  get gid(): string {
    return toGlobalId('Tenant', this.id);
  }

  /** Sets the retention policy (values already validated). */
  setRetention(p: RetentionPolicy): void {
    this.retentionDays = p.retentionDays;
    this.contentRetentionDays = p.contentRetentionDays;
  }

  @Field(() => OnHoldPolicy, { description: 'When this client’s recipients go ON_HOLD after soft bounces (set with updateTenant).' })
  get onHoldPolicy(): OnHoldPolicy {
    return { softBounceThreshold: this.onHoldSoftBounceThreshold, windowDays: this.onHoldWindowDays, holdHours: this.onHoldHours };
  }

  /** Sets the ON_HOLD rule (values already validated). */
  setOnHoldPolicy(p: OnHoldPolicy): void {
    this.onHoldSoftBounceThreshold = p.softBounceThreshold;
    this.onHoldWindowDays = p.windowDays;
    this.onHoldHours = p.holdHours;
  }

  /** Renames the tenant. */
  rename(name: string): void {
    this.name = name;
  }
}
