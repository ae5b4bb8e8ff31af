import { ArrayType, Entity, Enum, Filter, Index, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, type Ref } from '@mikro-orm/core';
import { ownedRows, scopeFilter } from '../../db/scope-filter';
import { Account } from '../accounts/account.entity';
import { Message } from '../sending/message.entity';
import { ActivityEventType } from '../../events/event-type';

/**
 * One event of one message: a row in `activity_events`, partitioned by month on `occurred_at`.
 * Ids come from a sequence and are taken under a transaction-scoped advisory lock just before
 * commit (see events.queries.ts), so id order is commit order: "every event after id N" is exact.
 * Written only through `recordEvents`; read through the ORM with the scope filter.
 */
@Entity({ tableName: 'activity_events' })
@Index({ properties: ['account', 'id'] })
@Index({ properties: ['message', 'id'] })
@Filter(scopeFilter((s) => ownedRows(s, { domainId: 'domain', tenantId: 'tenant', senderIdentityId: 'identity' }, false)))
export class ActivityEvent {
  [PrimaryKeyProp]?: ['id', 'occurredAt'];

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @PrimaryKey({ type: 'timestamptz' })
  occurredAt!: Date;

  @Enum({ items: () => ActivityEventType, type: 'text' })
  type!: ActivityEventType;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Message, { ref: true, deleteRule: 'cascade' })
  message!: Ref<Message>;

  @Property({ type: 'uuid', nullable: true })
  tenantId: string | null = null;

  @Property({ type: 'uuid' })
  domainId!: string;

  @Property({ type: 'uuid', nullable: true })
  senderIdentityId: string | null = null;

  /** The message's template (copied at insert for the analytics consumer; not part of the API's event). */
  @Property({ type: 'uuid', nullable: true })
  templateId: string | null = null;

  @Property({ type: 'text' })
  recipient!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  tags: string[] = [];

  /** Details: SMTP reply, bounce diagnostic, URL clicked, user agent, IP, country… */
  @Property({ type: 'json' })
  data: Record<string, unknown> = {};
}
