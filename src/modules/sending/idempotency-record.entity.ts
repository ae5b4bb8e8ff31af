import { ArrayType, Entity, Filter, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../db/base.entity';
import { scopeFilter } from '../../db/scope-filter';
import { Account } from '../accounts/account.entity';

/**
 * An idempotency key of one principal: the request's hash and what it created — the messages of a sendEmail,
 * or the bulk send of a sendBulkEmail. Keys are per principal, so one client's key never collides with (or
 * reveals) another's; sendEmail and sendBulkEmail share a principal's keys (one key, one request).
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

  /** The bulk send a sendBulkEmail with this key created (messageIds then empty); null for a sendEmail's key. */
  @Property({ type: 'uuid', nullable: true })
  bulkSendId: string | null = null;
}
