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

/** Payload of createWebhook and rotateWebhookSecret. */
@ObjectType({ description: 'A webhook and its signing secret, shown only this once.' })
export class WebhookSecretPayload {
  @Field(() => Webhook, { description: 'The webhook.' })
  webhook!: Webhook;

  @Field(() => String, { description: 'The Standard Webhooks signing secret (`whsec_…`). Shown only here; stored encrypted.' })
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

/** Payload of testWebhook and redeliverWebhookDelivery. */
@ObjectType({ description: 'A delivery.' })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDelivery, { description: 'The delivery.' })
  delivery!: WebhookDelivery;
}

/** Payload of replayWebhookEvents. */
@ObjectType({ description: 'Result of replayWebhookEvents: the replay, worked through in the background.' })
export class ReplayWebhookEventsPayload {
  @Field(() => WebhookReplay, { description: 'The replay and its progress (load it again with node(id)).' })
  replay!: WebhookReplay;
}
