import { ManyToOne, type Ref } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { BlocklistMonitor } from './blocklist-monitor.entity';

/**
 * The owner columns of a monitor's rows (checks, hits, alerts): its monitor, and the monitor's account,
 * tenant and domain copied for the row scope (blocklistScope), so each row is filtered on its own.
 */
@ObjectType('BlocklistOwned', { description: 'Common fields of a monitor’s checks, hits and alerts.' })
export abstract class BlocklistOwned extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'set null' })
  domain: Ref<Domain> | null = null;

  @ManyToOne(() => BlocklistMonitor, { ref: true, deleteRule: 'cascade' })
  monitor!: Ref<BlocklistMonitor>;
}
