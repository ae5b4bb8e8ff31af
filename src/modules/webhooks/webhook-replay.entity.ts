import { Entity, Enum, Filter, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { Webhook, webhookScopeCond } from './webhook.entity';

/** Progress of a replay. */
export enum WebhookReplayStatus {
  QUEUED = 'QUEUED',
  PROCESSING = 'PROCESSING',
  COMPLETED = 'COMPLETED',
}
registerEnumType(WebhookReplayStatus, {
  name: 'WebhookReplayStatus',
  description: 'QUEUED, PROCESSING, or COMPLETED (every event of the period looked at).',
  valuesConfig: {
    QUEUED: { description: 'Accepted, not yet worked on.' },
    PROCESSING: { description: 'The events of the period are being re-sent.' },
    COMPLETED: { description: 'Every event of the period was looked at.' },
  },
});

/** A re-send of every event of a period to one webhook, worked through in the background. Scoped as its webhook. */
@Entity({ tableName: 'webhook_replays' })
@Filter(scopeFilter(webhookScopeCond))
@ObjectType({ implements: Node, description: 'A re-send of every matching event of a period to one webhook, and its progress.' })
export class WebhookReplay extends BaseEntity implements Node {
  get nodeType(): string {
    return 'WebhookReplay';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Webhook, { ref: true, deleteRule: 'cascade' })
  webhook!: Ref<Webhook>;

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'cascade' })
  domain: Ref<Domain> | null = null;

  @Field(() => Date, { description: 'Start of the period (events that occurred at or after it).' })
  @Property({ type: 'timestamptz' })
  from!: Date;

  @Field(() => Date, { description: 'End of the period (events that occurred before it).' })
  @Property({ type: 'timestamptz' })
  to!: Date;

  @Field(() => WebhookReplayStatus, { description: 'Progress.' })
  @Enum({ items: () => WebhookReplayStatus, type: 'text' })
  status: WebhookReplayStatus = WebhookReplayStatus.QUEUED;

  /** The last stream event id looked at (the replay resumes after it). */
  @Property({ type: 'bigint' })
  afterEventId: string = '0';

  @Field(() => Int, { description: "Events of the account's period looked at so far." })
  @Property({ type: 'integer' })
  processed: number = 0;

  @Field(() => Int, { description: 'Deliveries queued so far (events the webhook receives).' })
  @Property({ type: 'integer' })
  queued: number = 0;

  get gid(): string {
    return toGlobalId('WebhookReplay', this.id);
  }
}
