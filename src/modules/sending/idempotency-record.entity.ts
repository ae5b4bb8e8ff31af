import { ArrayType, Entity, Filter, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base.entity';
import { scopeFilter } from '../../db/scope-filter';
import { Account } from '../accounts/account.entity';

/**
 * An idempotency key of one principal: the request's hash and the messages it created. Keys are
 * per principal, so one client's key never collides with (or reveals) another's.
 */
@Entity({ tableName: 'idempotency_records' })
@Unique({ properties: ['principalKey', 'key'] })
@Filter(scopeFilter((s) => ({ principalKey: s.principalKey })))
export class IdempotencyRecord extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Property({ type: 'text' })
  principalKey!: string;

  @Property({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  requestHash!: string;

  @Property({ type: ArrayType, columnType: 'uuid[]' })
  messageIds: string[] = [];
}
