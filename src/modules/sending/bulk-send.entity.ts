import { Entity, Enum, Filter, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { accountRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';

/** Progress of a bulk send. */
export enum BulkSendStatus {
  QUEUED = 'QUEUED',
  PROCESSING = 'PROCESSING',
  COMPLETED = 'COMPLETED',
}
registerEnumType(BulkSendStatus, {
  name: 'BulkSendStatus',
  description: 'QUEUED, PROCESSING, or COMPLETED (every request accepted or refused).',
  valuesConfig: {
    QUEUED: { description: 'Accepted, not yet worked on.' },
    PROCESSING: { description: 'Its requests are being accepted or refused.' },
    COMPLETED: { description: 'Every request was accepted or refused.' },
  },
});

/** Why one request of a bulk send was refused. */
@ObjectType({ description: 'A request of a bulk send that was refused.' })
export class BulkSendError {
  @Field(() => Int, { description: 'Position of the request in `requests` (from 0).' })
  index!: number;

  @Field(() => String, { description: 'Error code, as in GraphQL errors (e.g. BAD_USER_INPUT).' })
  code!: string;

  @Field(() => String, { nullable: true, description: 'The offending input field, e.g. `from.email`.' })
  field!: string | null;

  @Field(() => String, { description: 'What was wrong.' })
  message!: string;
}

/** A batch of up to 500 send requests processed in the background. Visible to the principal that made it (its key). */
@Entity({ tableName: 'bulk_sends' })
@Index({ properties: ['account', 'id'] })
@Index({ properties: ['account', 'principalKey', 'id'] })
@Filter(scopeFilter((s) => accountRows(s, { principalKey: s.principalKey })))
@ObjectType({ implements: Node, description: 'A bulk send and its progress.' })
export class BulkSend extends BaseEntity implements Node {
  get nodeType(): string {
    return 'BulkSend';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** The token or membership that submitted it: only it (or an account-wide principal) reads it. */
  @Property({ type: 'text' })
  principalKey!: string;

  @Field(() => BulkSendStatus, { description: 'Progress.' })
  @Enum({ items: () => BulkSendStatus, type: 'text' })
  status: BulkSendStatus = BulkSendStatus.QUEUED;

  @Field(() => Int, { description: 'How many requests were submitted.' })
  @Property({ type: 'integer' })
  total!: number;

  @Field(() => Int, { description: 'How many requests were processed so far.' })
  @Property({ type: 'integer' })
  processed = 0;

  @Field(() => Int, { description: 'How many messages were queued.' })
  @Property({ type: 'integer' })
  messagesQueued = 0;

  @Field(() => Int, { description: 'How many messages were not sent because the recipient is suppressed on the sending domain (status SUPPRESSED; also counted in messagesQueued).' })
  @Property({ type: 'integer', default: 0 })
  messagesSuppressed = 0;

  @Field(() => Int, { description: 'How many requests were refused.' })
  @Property({ type: 'integer' })
  failed = 0;

  /** The requests, kept until processed. */
  @Property({ type: 'json', lazy: true })
  requests!: unknown[];

  /** Per-request errors: index, code, field, message. */
  @Field(() => [BulkSendError], { description: 'The refused requests, by index.' })
  @Property({ type: 'json' })
  errors: { index: number; code: string; field: string | null; message: string }[] = [];

  get gid(): string {
    return toGlobalId('BulkSend', this.id);
  }
}
