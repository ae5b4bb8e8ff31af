import { Entity, Enum, Filter, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { WebhookEventType } from './webhook-event-type';
import { Webhook, webhookScopeCond } from './webhook.entity';

/** Where a delivery stands. */
export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING (queued or waiting for a retry), SUCCEEDED (a 2xx answer) or FAILED (every attempt used up, 410 Gone, or the webhook disabled).',
  valuesConfig: {
    PENDING: { description: 'Queued or waiting for a retry.' },
    SUCCEEDED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt used up, 410 Gone, or the webhook disabled.' },
  },
});

/** How many characters of a response body are kept. */
export const RESPONSE_BODY_LIMIT = 2048;

/**
 * One event sent to one webhook (or a test ping): the signed request, each attempt's outcome, the
 * schedule of the next. Carries its webhook's tenant and domain, so it is scoped exactly as the webhook.
 */
@Entity({ tableName: 'webhook_deliveries' })
@Index({ properties: ['account', 'webhook', 'id'] })
@Index({ properties: ['createdAt'] })
// A webhook's dispatcher reads its due deliveries in creation order.
@Index({
  name: 'webhook_deliveries_pending_index',
  expression: `create index "webhook_deliveries_pending_index" on "webhook_deliveries" ("webhook_id", "id") where "status" = 'PENDING'`,
})
@Filter(scopeFilter(webhookScopeCond))
@ObjectType({ implements: Node, description: 'One event sent to one webhook: the request, the outcome of the last attempt, and the next attempt.' })
export class WebhookDelivery extends BaseEntity implements Node {
  get nodeType(): string {
    return 'WebhookDelivery';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Webhook, { ref: true, deleteRule: 'cascade' })
  webhook!: Ref<Webhook>;

  /** The webhook's tenant (scope). */
  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  /** The webhook's domain (scope). */
  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'cascade' })
  domain: Ref<Domain> | null = null;

  /** The stream event (activity or platform event id); null for a test ping. */
  @Property({ type: 'bigint', nullable: true })
  eventId: string | null = null;

  @Field(() => WebhookEventType, { nullable: true, description: 'The event type; null for a test ping.' })
  @Property({ type: 'text', nullable: true })
  eventType: WebhookEventType | null = null;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery stands.' })
  @Enum({ items: () => WebhookDeliveryStatus, type: 'text' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int, { description: 'Requests made so far.' })
  @Property({ type: 'integer' })
  attempts: number = 0;

  /** Position in the retry schedule of the current series (a redelivery starts a new series). */
  @Property({ type: 'integer' })
  scheduleStep: number = 0;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due; null when none is.' })
  @Property({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the last attempt was made.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null = null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last answer; null when there was none (network error, timeout, refused address).' })
  @Property({ type: 'integer', nullable: true })
  responseStatus: number | null = null;

  @Field(() => String, { nullable: true, description: `The first ${RESPONSE_BODY_LIMIT} characters of the last answer's body.` })
  @Property({ type: 'text', nullable: true })
  responseBody: string | null = null;

  @Field(() => Int, { nullable: true, description: 'How long the last attempt took, in milliseconds.' })
  @Property({ type: 'integer', nullable: true })
  durationMs: number | null = null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed, when it did.' })
  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  /** The `webhook-id` header: stable per event and webhook (receivers dedupe by it). */
  @Property({ type: 'text' })
  messageId!: string;

  /** The URL of the last attempt (the webhook's at the time). */
  @Property({ type: 'text' })
  url!: string;

  /** The JSON body, as sent on every attempt. */
  @Property({ type: 'text' })
  body!: string;

  /** Headers of the last attempt (webhook-id, webhook-timestamp, webhook-signature, content-type). */
  @Property({ type: 'json', nullable: true })
  requestHeaders: Record<string, string> | null = null;

  get gid(): string {
    return toGlobalId('WebhookDelivery', this.id);
  }
}
