import { Index, Entity, Filter, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base.entity';
import { scopeFilter } from '../../db/scope-filter';
import { Account } from '../accounts/account.entity';
import { Membership } from './membership.entity';

/** A login session for one membership. Only the SHA-256 of its token is stored. */
@Entity({ tableName: 'sessions' })
@Index({ properties: ['membership'] })
@Filter(scopeFilter((s) => ({ membership: s.membershipId ?? '00000000-0000-0000-0000-000000000000' })))
export class Session extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Membership, { ref: true, deleteRule: 'cascade' })
  membership!: Ref<Membership>;

  @Property({ type: 'text', unique: true, hidden: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null = null;
}
