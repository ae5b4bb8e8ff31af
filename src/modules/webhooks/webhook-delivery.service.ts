import { filter, pipe } from '@graphql-yoga/subscription';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { paginate, type Page } from '../../graphql/pagination';
import { expandEach } from '../../lib/expand';
import { type DeliveriesUpdatedEvent, WEBHOOK_DELIVERY_TOPIC } from './webhook-attempt';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity';
import { kickDispatchers } from './webhook-fanout';
import { REPLAY_TASK } from './webhook-jobs.task';
import { WebhookReplay } from './webhook-replay.entity';
import type { Webhook } from './webhook.entity';
import { deliveryNotFound } from './webhook.errors';
import type { RedeliverWebhookDeliveryInput, ReplayWebhookEventsInput, WebhookDeliveriesArgs } from './webhook.inputs';
import { getWebhook } from './webhook.service';

/** Longest period one replay may cover. */
const MAX_REPLAY_MS = 31 * 86400_000;

/** A webhook's delivery log in the caller's scope, oldest first, filtered by status, event types and creation time (WEBHOOKS_READ). */
export async function listDeliveries(ctx: Context, webhook: Webhook, args: WebhookDeliveriesArgs): Promise<Page<WebhookDelivery>> {
  requirePermission(ctx, Permission.WEBHOOKS_READ);
  const f = args.filter ?? {};
  const where: Record<string, unknown> = { webhook: webhook.id };
  if (f.status) where.status = f.status;
  if (f.eventTypes?.length) where.eventType = { $in: [...f.eventTypes] };
  const created: Record<string, Date> = {};
  if (f.from) created.$gte = f.from;
  if (f.to) created.$lt = f.to;
  if (Object.keys(created).length) where.createdAt = created;
  return paginate(ctx.em, WebhookDelivery, where, args);
}

/**
 * Sends a delivery again (WEBHOOKS_MANAGE): a new series of attempts on the retry schedule, with the
 * same body and `webhook-id` (receivers dedupe by it), due now — its webhook's dispatcher sends it in
 * creation order with the others due. A delivery still PENDING is left as it is. Side effects: write, a job.
 */
export async function redeliver(ctx: Context, input: RedeliverWebhookDeliveryInput): Promise<WebhookDelivery> {
  requirePermission(ctx, Permission.WEBHOOKS_MANAGE);
  const delivery = await ctx.em.findOne(WebhookDelivery, { id: fromGlobalId(input.id, 'WebhookDelivery', 'id') });
  if (!delivery) throw deliveryNotFound();
  if (delivery.status === WebhookDeliveryStatus.PENDING) return delivery;
  const now = ctx.deps.clock.now();
  await ctx.em.transactional(async (tx) => {
    delivery.status = WebhookDeliveryStatus.PENDING;
    delivery.scheduleStep = 0;
    delivery.nextAttemptAt = now;
    await tx.flush();
    await kickDispatchers(tx, ctx.deps.queue, [delivery.webhook.id], now);
  });
  return delivery;
}

/**
 * Starts a replay (WEBHOOKS_MANAGE): every event of the account in [from, to) that the webhook
 * receives is queued again, in event order, by a background job with progress. Side effects: write, a job.
 */
export async function replayEvents(ctx: Context, input: ReplayWebhookEventsInput): Promise<WebhookReplay> {
  requirePermission(ctx, Permission.WEBHOOKS_MANAGE);
  const webhook = await getWebhook(ctx, input.webhookId, 'webhookId');
  if (Number.isNaN(input.from.getTime())) throw badInput('from', 'from must be a date');
  if (Number.isNaN(input.to.getTime()) || input.to.getTime() <= input.from.getTime()) throw badInput('to', 'to must be after from');
  if (input.to.getTime() - input.from.getTime() > MAX_REPLAY_MS) throw badInput('to', 'A replay covers at most 31 days');
  return ctx.em.transactional(async (tx) => {
    const replay = tx.create(WebhookReplay, {
      account: webhook.account.id,
      webhook: webhook.id,
      tenant: webhook.tenant?.id ?? null,
      domain: webhook.domain?.id ?? null,
      from: input.from,
      to: input.to,
    });
    await tx.flush();
    await ctx.deps.queue.add(tx, REPLAY_TASK, { replayId: replay.id }, { maxAttempts: 10 });
    return replay;
  });
}

function isUpdate(e: unknown): e is DeliveriesUpdatedEvent {
  const x = e as DeliveriesUpdatedEvent | null;
  return typeof x?.webhookId === 'string' && typeof x.accountId === 'string' && Array.isArray(x.deliveryIds) && x.deliveryIds.every((id) => typeof id === 'string');
}

/**
 * The stream of a webhook's delivery changes (WEBHOOKS_READ; NOT_FOUND when the webhook is not in
 * scope): bus messages of other accounts and webhooks are dropped, each remaining delivery is re-loaded
 * through a fresh entity manager bound to the subscriber's scope and dropped when that finds nothing.
 */
export async function deliveryUpdates(ctx: Context, webhookGid: string): Promise<AsyncIterable<WebhookDelivery>> {
  const scope = requirePermission(ctx, Permission.WEBHOOKS_READ);
  const webhook = await getWebhook(ctx, webhookGid, 'webhookId');
  const announcements = pipe(
    ctx.deps.bus.subscribe(WEBHOOK_DELIVERY_TOPIC),
    filter((e: unknown): e is DeliveriesUpdatedEvent => isUpdate(e) && e.accountId === scope.accountId && e.webhookId === webhook.id),
  );
  return expandEach(announcements[Symbol.asyncIterator](), async (e) => {
    const rows = await ctx.em.fork({ clear: true }).find(WebhookDelivery, { id: { $in: e.deliveryIds } });
    const byId = new Map(rows.map((d) => [d.id, d]));
    return e.deliveryIds.flatMap((id) => byId.get(id) ?? []);
  });
}
