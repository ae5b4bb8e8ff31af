import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/pagination';
import { WebhookDeliveryStatus } from './webhook-delivery.entity';
import { WebhookEventType } from './webhook-event-type';

/** Input of createWebhook. */
@InputType({ description: 'A new webhook. Give at most one of domainId and tenantId; none makes an account webhook (account-wide principals only).' })
export class CreateWebhookInput {
  @Field(() => String, { description: 'Name to recognise it by (1–100 characters).' })
  name!: string;

  @Field(() => String, { description: 'The https URL events are POSTed to (http only when the operator allows it). It is checked with a signed test ping on save.' })
  url!: string;

  @Field(() => [WebhookEventType], { description: 'The events to receive (at least one).' })
  events!: WebhookEventType[];

  @Field(() => ID, { nullable: true, description: 'Receive the events of this domain only.' })
  domainId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Receive the events of this tenant: all its domains and sender identities.' })
  tenantId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether to deliver events (default true). A URL that fails the test ping is saved disabled, with the reason.' })
  enabled?: boolean | null;
}

/** Input of updateWebhook: omitted fields stay as they are. */
@InputType({ description: 'Changes to a webhook; omitted fields stay as they are. A new URL, or enabling, is checked with a test ping.' })
export class UpdateWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name (1–100 characters).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New URL.' })
  url?: string | null;

  @Field(() => [WebhookEventType], { nullable: true, description: 'New event list (replaces the old one).' })
  events?: WebhookEventType[] | null;

  @Field(() => Boolean, { nullable: true, description: 'True enables (after a successful test ping), false disables.' })
  enabled?: boolean | null;
}

/** Input of deleteWebhook. */
@InputType({ description: 'Which webhook to delete (with its delivery log).' })
export class DeleteWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;
}

/** Input of rotateWebhookSecret. */
@InputType({ description: 'Which webhook gets a new signing secret.' })
export class RotateWebhookSecretInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;
}

/** Input of testWebhook. */
@InputType({ description: 'Which webhook to send a test ping to.' })
export class TestWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  id!: string;
}

/** What names one webhook. */
export type WebhookIdInput = DeleteWebhookInput | RotateWebhookSecretInput | TestWebhookInput;

/** Input of redeliverWebhookDelivery. */
@InputType({ description: 'Which delivery to send again (a new series of attempts, same webhook-id).' })
export class RedeliverWebhookDeliveryInput {
  @Field(() => ID, { description: 'The delivery.' })
  id!: string;
}

/** Input of replayWebhookEvents. */
@InputType({ description: 'Re-send every event of a period that the webhook receives (its events and scope), in event order.' })
export class ReplayWebhookEventsInput {
  @Field(() => ID, { description: 'The webhook.' })
  webhookId!: string;

  @Field(() => Date, { description: 'Events that occurred at or after this time.' })
  from!: Date;

  @Field(() => Date, { description: 'Events that occurred before this time (at most 31 days after `from`).' })
  to!: Date;
}

/** Filter of the webhooks query. */
@InputType({ description: 'Narrows the webhooks list.' })
export class WebhooksFilter {
  @Field(() => ID, { nullable: true, description: 'Only webhooks of this domain.' })
  domainId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only webhooks of this tenant (tenant webhooks).' })
  tenantId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only enabled (true) or disabled (false) webhooks.' })
  enabled?: boolean | null;
}

/** Arguments of the webhooks query. */
@ArgsType()
export class WebhooksArgs extends PageArgs {
  @Field(() => WebhooksFilter, { nullable: true, description: 'Narrows the list.' })
  filter?: WebhooksFilter | null;
}

/** Filter of a webhook's deliveries. */
@InputType({ description: 'Narrows a delivery log.' })
export class WebhookDeliveriesFilter {
  @Field(() => WebhookDeliveryStatus, { nullable: true, description: 'Only deliveries in this status.' })
  status?: WebhookDeliveryStatus | null;

  @Field(() => [WebhookEventType], { nullable: true, description: 'Only deliveries of these event types.' })
  eventTypes?: WebhookEventType[] | null;

  @Field(() => Date, { nullable: true, description: 'Only deliveries created at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only deliveries created before this time.' })
  to?: Date | null;
}

/** Arguments of Webhook.deliveries. */
@ArgsType()
export class WebhookDeliveriesArgs extends PageArgs {
  @Field(() => WebhookDeliveriesFilter, { nullable: true, description: 'Narrows the log.' })
  filter?: WebhookDeliveriesFilter | null;
}
