import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookReplay } from './webhook-replay.entity';
import { Webhook } from './webhook.entity';

/** A page of webhooks. */
export const WebhookConnection = Connection(Webhook, 'Webhook');

/** A page of deliveries. */
export const WebhookDeliveryConnection = Connection(WebhookDelivery, 'WebhookDelivery');

/** The request of a delivery's last attempt. */
@ObjectType({ description: 'The request of a delivery, as last sent.' })
export class WebhookDeliveryRequest {
  @Field(() => String, { description: 'The URL it was sent to.' })
  url!: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The headers of the last attempt (webhook-id, webhook-timestamp, webhook-signature…); null before the first attempt.' })
  headers!: Record<string, string> | null;

  @Field(() => String, { description: 'The JSON body.' })
  body!: string;
}

/** Payload of createWebhook. */
@ObjectType({ description: 'Result of createWebhook: the webhook and its signing secret, shown only this once.' })
export class CreateWebhookPayload {
  @Field(() => Webhook, { description: 'The new webhook (disabled, with the reason, when the test ping failed).' })
  webhook!: Webhook;

  @Field(() => String, { description: 'The Standard Webhooks signing secret (`whsec_…`). Shown only here; stored encrypted.' })
  signingSecret!: string;
}

/** Payload of rotateWebhookSecret. */
@ObjectType({ description: 'Result of rotateWebhookSecret: the new signing secret, shown only this once.' })
export class RotateWebhookSecretPayload {
  @Field(() => Webhook, { description: 'The webhook (previousSecretExpiresAt says until when the old secret still signs).' })
  webhook!: Webhook;

  @Field(() => String, { description: 'The new signing secret (`whsec_…`). Shown only here; stored encrypted.' })
  signingSecret!: string;
}

/** Payload of updateWebhook. */
@ObjectType({ description: 'Result of updateWebhook.' })
export class UpdateWebhookPayload {
  @Field(() => Webhook, { description: 'The webhook after the change.' })
  webhook!: Webhook;
}

/** Payload of deleteWebhook. */
@ObjectType({ description: 'Result of deleteWebhook.' })
export class DeleteWebhookPayload {
  @Field(() => ID, { description: 'The id of the deleted webhook.' })
  deletedWebhookId!: string;
}

/** Payload of testWebhook. */
@ObjectType({ description: 'Result of testWebhook: the test ping as sent and answered.' })
export class TestWebhookPayload {
  @Field(() => WebhookDelivery, { description: 'The ping’s delivery record.' })
  delivery!: WebhookDelivery;
}

/** Payload of redeliverWebhookDelivery. */
@ObjectType({ description: 'Result of redeliverWebhookDelivery.' })
export class RedeliverWebhookDeliveryPayload {
  @Field(() => WebhookDelivery, { description: 'The delivery, queued again.' })
  delivery!: WebhookDelivery;
}

/** Payload of replayWebhookEvents. */
@ObjectType({ description: 'Result of replayWebhookEvents: the replay, worked through in the background.' })
export class ReplayWebhookEventsPayload {
  @Field(() => WebhookReplay, { description: 'The replay and its progress (load it again with node(id)).' })
  replay!: WebhookReplay;
}
