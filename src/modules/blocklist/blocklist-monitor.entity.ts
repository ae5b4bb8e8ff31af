import { ArrayType, Entity, Enum, Filter, Index, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { BlocklistAddressKind } from './address';
import { blocklistScope } from './blocklist-scope';

/** A domain, IP address or range watched on the DNS blocklists, owned by the account or by one tenant. */
@Entity({ tableName: 'blocklist_monitors' })
@Unique({
  name: 'blocklist_monitors_address_unique',
  expression: `create unique index "blocklist_monitors_address_unique" on "blocklist_monitors" ("account_id", "tenant_id", "address") nulls not distinct`,
})
@Index({ properties: ['account', 'id'] })
@Index({ properties: ['tenant'] })
@Index({ properties: ['domain'] })
@Filter(scopeFilter(blocklistScope))
@ObjectType({ implements: Node, description: 'A sending domain, IP address or range watched on the DNS blocklists, on a schedule.' })
export class BlocklistMonitor extends BaseEntity implements Node {
  get nodeType(): string {
    return 'BlocklistMonitor';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** The owning tenant; null for the account's own monitors (account-wide principals only). */
  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  /** The tenant's sending domain the address names, if it is one (domain principals see it). */
  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'set null' })
  domain: Ref<Domain> | null = null;

  @Field(() => String, { description: 'Name to recognise it by.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { description: 'What is watched, normalised: a domain, an IPv4 or IPv6 address, or a CIDR range.' })
  @Property({ type: 'text' })
  address!: string;

  @Field(() => BlocklistAddressKind, { description: 'Which kind of address it is.' })
  @Enum({ items: () => BlocklistAddressKind, type: 'text' })
  addressKind!: BlocklistAddressKind;

  @Field(() => [String], { description: 'Who is mailed when an address is listed or delisted.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  notifyEmails: string[] = [];

  @Field(() => Boolean, { description: 'Whether listings and delistings go to webhooks (BLOCKLIST_LISTED, BLOCKLIST_DELISTED).' })
  @Property({ type: 'boolean' })
  webhookEnabled: boolean = true;

  @Field(() => Int, { description: 'Minutes between scheduled checks.' })
  @Property({ type: 'integer' })
  intervalMinutes!: number;

  @Field(() => Boolean, { description: 'Whether a healthy zone lists the address (or an address of the range) now.' })
  @Property({ type: 'boolean' })
  listed: boolean = false;

  @Field(() => Date, { nullable: true, description: 'When the last check finished; null before the first.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastCheckedAt: Date | null = null;

  @Field(() => Date, { description: 'When the next scheduled check runs.' })
  @Property({ type: 'timestamptz' })
  nextCheckAt!: Date;

  @Field(() => Int, { description: 'How many zones answered healthy in the last check (0 before the first).' })
  @Property({ type: 'integer' })
  zonesChecked: number = 0;

  @Field(() => [String], { description: 'Zones that were unhealthy in the last check: what they say about the address is unknown.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  unhealthyZones: string[] = [];

  /** When the running check started; null when none runs. */
  @Property({ type: 'timestamptz', nullable: true })
  checkStartedAt: Date | null = null;

  /** Lookups of the running check done. */
  @Property({ type: 'integer' })
  progressDone: number = 0;

  /** Lookups of the running check in all. */
  @Property({ type: 'integer' })
  progressTotal: number = 0;

  get gid(): string {
    return toGlobalId('BlocklistMonitor', this.id);
  }
}
