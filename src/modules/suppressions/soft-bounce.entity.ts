import { Entity, Filter, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base.entity';
import { ownedRows, scopeFilter } from '../../db/scope-filter';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';

/**
 * One soft bounce counted toward ON_HOLD: a row per SOFT_BOUNCED event applied (so an event applied
 * twice would show as two rows). `holdId` is set when the row counted toward a hold, so after its
 * release a new hold needs the threshold again. Written by the suppressions consumer only.
 */
@Entity({ tableName: 'suppression_soft_bounces' })
@Index({ name: 'suppression_soft_bounces_tally_index', properties: ['account', 'domain', 'recipient', 'occurredAt'] })
@Filter(scopeFilter((s) => ownedRows(s, { domain: 'domain' }, false)))
export class SoftBounce extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  domain!: Ref<Domain>;

  @Property({ type: 'uuid', nullable: true })
  senderIdentityId: string | null = null;

  @Property({ type: 'text' })
  recipient!: string;

  @Property({ type: 'bigint' })
  eventId!: string;

  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Property({ type: 'uuid', nullable: true })
  holdId: string | null = null;
}
