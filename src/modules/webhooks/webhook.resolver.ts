import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context';
import { toGlobalId } from '../../graphql/global-id';
import { byIdLoader } from '../../graphql/loaders';
import type { Page } from '../../graphql/pagination';
import { WebhookDelivery } from './webhook-delivery.entity';
import { deliveryUpdates, listDeliveries, redeliver, replayEvents } from './webhook-delivery.service';
import { WebhookReplay } from './webhook-replay.entity';
import { Webhook } from './webhook.entity';
import {
  CreateWebhookInput,
  DeleteWebhookInput,
  RedeliverWebhookDeliveryInput,
  ReplayWebhookEventsInput,
  RotateWebhookSecretInput,
  TestWebhookInput,
  UpdateWebhookInput,
  WebhookDeliveriesArgs,
  WebhooksArgs,
} from './webhook.inputs';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, rotateWebhookSecret, testWebhook, updateWebhook } from './webhook.service';
import {
  CreateWebhookPayload,
  DeleteWebhookPayload,
  RedeliverWebhookDeliveryPayload,
  ReplayWebhookEventsPayload,
  RotateWebhookSecretPayload,
  TestWebhookPayload,
  UpdateWebhookPayload,
  WebhookConnection,
  WebhookDeliveryConnection,
  WebhookDeliveryRequest,
} from './webhook.types';

/** Queries, mutations, subscription and fields of webhooks. */
@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => WebhookConnection, { description: 'Webhooks in your scope, oldest first. Needs WEBHOOKS_READ.' })
  webhooks(@Args(() => WebhooksArgs) args: WebhooksArgs, @Ctx() ctx: Context): Promise<Page<Webhook>> {
    return listWebhooks(ctx, args);
  }

  @Query(() => Webhook, { description: 'A webhook in your scope. Needs WEBHOOKS_READ.' })
  webhook(@Arg('id', () => ID, { description: 'The webhook.' }) id: string, @Ctx() ctx: Context): Promise<Webhook> {
    return getWebhook(ctx, id);
  }

  @Mutation(() => CreateWebhookPayload, {
    description: 'Creates a webhook (domain, tenant or account scope) and checks its URL with a signed test ping; the signing secret is in the payload only. Needs WEBHOOKS_MANAGE.',
  })
  createWebhook(@Arg('input', () => CreateWebhookInput, { description: 'The webhook.' }) input: CreateWebhookInput, @Ctx() ctx: Context): Promise<CreateWebhookPayload> {
    return createWebhook(ctx, input);
  }

  @Mutation(() => UpdateWebhookPayload, { description: 'Changes a webhook. Needs WEBHOOKS_MANAGE.' })
  async updateWebhook(@Arg('input', () => UpdateWebhookInput, { description: 'The changes.' }) input: UpdateWebhookInput, @Ctx() ctx: Context): Promise<UpdateWebhookPayload> {
    return { webhook: await updateWebhook(ctx, input) };
  }

  @Mutation(() => DeleteWebhookPayload, { description: 'Deletes a webhook and its delivery log. Needs WEBHOOKS_MANAGE.' })
  async deleteWebhook(@Arg('input', () => DeleteWebhookInput, { description: 'Which webhook.' }) input: DeleteWebhookInput, @Ctx() ctx: Context): Promise<DeleteWebhookPayload> {
    return { deletedWebhookId: await deleteWebhook(ctx, input) };
  }

  @Mutation(() => RotateWebhookSecretPayload, { description: 'Replaces the signing secret; the old one keeps signing beside it for 24 hours. Needs WEBHOOKS_MANAGE.' })
  rotateWebhookSecret(@Arg('input', () => RotateWebhookSecretInput, { description: 'Which webhook.' }) input: RotateWebhookSecretInput, @Ctx() ctx: Context): Promise<RotateWebhookSecretPayload> {
    return rotateWebhookSecret(ctx, input);
  }

  @Mutation(() => TestWebhookPayload, { description: 'Sends a signed test ping now and returns its delivery. Needs WEBHOOKS_MANAGE.' })
  async testWebhook(@Arg('input', () => TestWebhookInput, { description: 'Which webhook.' }) input: TestWebhookInput, @Ctx() ctx: Context): Promise<TestWebhookPayload> {
    return { delivery: await testWebhook(ctx, input) };
  }

  @Mutation(() => RedeliverWebhookDeliveryPayload, { description: 'Sends a delivery again (same body and webhook-id). Needs WEBHOOKS_MANAGE.' })
  async redeliverWebhookDelivery(
    @Arg('input', () => RedeliverWebhookDeliveryInput, { description: 'Which delivery.' }) input: RedeliverWebhookDeliveryInput,
    @Ctx() ctx: Context,
  ): Promise<RedeliverWebhookDeliveryPayload> {
    return { delivery: await redeliver(ctx, input) };
  }

  @Mutation(() => ReplayWebhookEventsPayload, { description: 'Re-sends every event of a period that the webhook receives, in the background with progress. Needs WEBHOOKS_MANAGE.' })
  async replayWebhookEvents(
    @Arg('input', () => ReplayWebhookEventsInput, { description: 'The webhook and the period.' }) input: ReplayWebhookEventsInput,
    @Ctx() ctx: Context,
  ): Promise<ReplayWebhookEventsPayload> {
    return { replay: await replayEvents(ctx, input) };
  }

  @Subscription(() => WebhookDelivery, {
    description: 'Yields a delivery of the webhook each time an attempt was made or it was given up. Needs WEBHOOKS_READ.',
    subscribe: ({ args, context }) => deliveryUpdates(context as Context, (args as { webhookId: string }).webhookId),
  })
  webhookDeliveryUpdated(@Root() delivery: WebhookDelivery, @Arg('webhookId', () => ID, { description: 'The webhook.' }) _webhookId: string): WebhookDelivery {
    return delivery;
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'The delivery log, oldest first (kept for WEBHOOK_RETENTION_DAYS). Needs WEBHOOKS_READ.' })
  deliveries(@Root() webhook: Webhook, @Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs, @Ctx() ctx: Context): Promise<Page<WebhookDelivery>> {
    return listDeliveries(ctx, webhook, args);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The domain of a domain webhook; null otherwise.' })
  domainId(@Root() webhook: Webhook): string | null {
    return webhook.domain ? toGlobalId('Domain', webhook.domain.id) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The tenant of a tenant webhook; null otherwise.' })
  tenantId(@Root() webhook: Webhook): string | null {
    return webhook.tenant ? toGlobalId('Tenant', webhook.tenant.id) : null;
  }
}

/** Fields of a delivery. */
@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => WebhookDeliveryRequest, { description: 'The request as last sent (or as it will be sent).' })
  request(@Root() d: WebhookDelivery): WebhookDeliveryRequest {
    return { url: d.url, headers: d.requestHeaders, body: d.body };
  }

  @FieldResolver(() => Webhook, { nullable: true, description: 'The webhook it was sent to.' })
  webhook(@Root() d: WebhookDelivery, @Ctx() ctx: Context): Promise<Webhook | null> {
    return byIdLoader(ctx, Webhook).load(d.webhook.id);
  }
}

/** Fields of a replay. */
@Resolver(() => WebhookReplay)
export class WebhookReplayResolver {
  @FieldResolver(() => Webhook, { nullable: true, description: 'The webhook the events are re-sent to.' })
  webhook(@Root() r: WebhookReplay, @Ctx() ctx: Context): Promise<Webhook | null> {
    return byIdLoader(ctx, Webhook).load(r.webhook.id);
  }
}
