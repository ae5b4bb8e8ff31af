import { Permission } from '../../auth/permissions';
import { type Context, requireAccountWide, requirePermission } from '../../context';
import { randomUUID } from 'node:crypto';
import { badInput, forbidden, notFound } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { paginate, type Page } from '../../graphql/pagination';
import { encrypt } from '../../lib/crypto';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { generateWebhookSecret } from './signing';
import { isForbiddenLiteral } from './ssrf';
import { applyAttempt, isSuccess, sendAttempt } from './webhook-attempt';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity';
import type { WebhookEventType } from './webhook-event-type';
import { testBody } from './webhook-payload';
import { Webhook } from './webhook.entity';
import { refusedUrl, webhookNotFound } from './webhook.errors';
import type { CreateWebhookInput, UpdateWebhookInput, WebhookIdInput, WebhooksArgs } from './webhook.inputs';

/** How long the secret before a rotation keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

/** Loads a webhook in the caller's scope by global id (WEBHOOKS_READ), or NOT_FOUND. */
export async function getWebhook(ctx: Context, gid: string, field = 'id'): Promise<Webhook> {
  requirePermission(ctx, Permission.WEBHOOKS_READ);
  const webhook = await ctx.em.findOne(Webhook, { id: fromGlobalId(gid, 'Webhook', field) });
  if (!webhook) throw webhookNotFound(field);
  return webhook;
}

/** Lists the webhooks in the caller's scope, oldest first (WEBHOOKS_READ). */
export async function listWebhooks(ctx: Context, args: WebhooksArgs): Promise<Page<Webhook>> {
  requirePermission(ctx, Permission.WEBHOOKS_READ);
  const f = args.filter ?? {};
  const where: Record<string, unknown> = {};
  if (f.domainId) where.domain = fromGlobalId(f.domainId, 'Domain', 'filter.domainId');
  if (f.tenantId) where.tenant = fromGlobalId(f.tenantId, 'Tenant', 'filter.tenantId');
  if (f.enabled !== null && f.enabled !== undefined) where.enabled = f.enabled;
  return paginate(ctx.em, Webhook, where, args);
}

function webhookName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) throw badInput('name', 'name must be 1–100 characters on one line');
  return name;
}

/** Checks a webhook URL: https (http when allowed), no credentials, no private IP literal (names are checked when connecting). */
function webhookUrl(ctx: Context, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refusedUrl('url must be an absolute URL like https://example.com/webhooks');
  }
  if (raw.length > 2000) throw refusedUrl('url must be at most 2000 characters');
  const allowed = ctx.config.webhookAllowHttp ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(url.protocol)) throw refusedUrl(ctx.config.webhookAllowHttp ? 'url must use https or http' : 'url must use https');
  if (url.username || url.password) throw refusedUrl('url must not contain a user name or password');
  if (!ctx.config.webhookAllowPrivate && isForbiddenLiteral(url.hostname)) throw refusedUrl('url points at an address webhooks may not reach (loopback, private, link-local or reserved)');
  return url.toString();
}

function webhookEvents(raw: readonly WebhookEventType[]): WebhookEventType[] {
  const events = [...new Set(raw)];
  if (events.length === 0) throw badInput('events', 'events must list at least one event type');
  return events;
}

/** Resolves the webhook's scope within the caller's: a domain it reaches, a tenant it wholly holds, or the account (account-wide only). */
async function resolveScope(ctx: Context, input: CreateWebhookInput): Promise<{ tenant: string | null; domain: string | null }> {
  const scope = requirePermission(ctx, Permission.WEBHOOKS_MANAGE);
  if (input.domainId && input.tenantId) throw badInput('tenantId', 'Give at most one of domainId and tenantId');
  if (input.domainId) {
    const domain = await ctx.em.findOne(Domain, { id: fromGlobalId(input.domainId, 'Domain', 'domainId') });
    if (!domain || !(scope.allDomains || scope.domainIds.includes(domain.id))) throw webhookScopeNotFound('Domain', 'domainId');
    return { tenant: null, domain: domain.id };
  }
  if (input.tenantId) {
    const tenant = await ctx.em.findOne(Tenant, { id: fromGlobalId(input.tenantId, 'Tenant', 'tenantId') });
    if (!tenant) throw webhookScopeNotFound('Tenant', 'tenantId');
    if (!(scope.allDomains || scope.tenantIds.includes(tenant.id))) throw forbidden('A tenant webhook needs a principal with the whole tenant');
    return { tenant: tenant.id, domain: null };
  }
  requireAccountWide(ctx);
  return { tenant: null, domain: null };
}

function webhookScopeNotFound(type: string, field: string) {
  return notFound(type, field);
}

/**
 * Sends a signed test ping now and records it as a delivery (SUCCEEDED or FAILED, no retries). A
 * URL the SSRF guard refuses is BAD_USER_INPUT naming `url` (nothing is saved). Side effects: network, write.
 */
async function ping(ctx: Context, webhook: Webhook): Promise<WebhookDelivery> {
  const now = ctx.deps.clock.now();
  const delivery = ctx.em.create(WebhookDelivery, {
    account: webhook.account.id,
    webhook,
    tenant: webhook.tenant?.id ?? null,
    domain: webhook.domain?.id ?? null,
    messageId: `msg_test_${randomUUID().replace(/-/g, '')}`,
    url: webhook.url,
    body: testBody(webhook.gid, now),
    createdAt: now,
    updatedAt: now,
  });
  const attempt = await sendAttempt(ctx.config, ctx.deps, webhook, delivery.messageId, delivery.body);
  if (attempt.result.refused) throw refusedUrl(attempt.result.error ?? 'url points at an address webhooks may not reach');
  applyAttempt(delivery, attempt);
  delivery.status = isSuccess(attempt.result) ? WebhookDeliveryStatus.SUCCEEDED : WebhookDeliveryStatus.FAILED;
  return delivery;
}

/** Why a failed ping disabled the webhook. */
function pingFailure(d: WebhookDelivery): string {
  return `The test ping failed: ${d.error ?? 'no answer'}`;
}

/**
 * Creates a webhook (WEBHOOKS_MANAGE) in the caller's scope with a new signing secret (encrypted at
 * rest, returned once) and checks the URL with a signed test ping: a URL that fails is saved
 * disabled with the reason. Side effects: write, network.
 */
export async function createWebhook(ctx: Context, input: CreateWebhookInput): Promise<{ webhook: Webhook; signingSecret: string }> {
  const name = webhookName(input.name);
  const url = webhookUrl(ctx, input.url);
  const events = webhookEvents(input.events);
  const target = await resolveScope(ctx, input);
  const signingSecret = generateWebhookSecret();
  const webhook = ctx.em.create(Webhook, {
    account: requirePermission(ctx).accountId,
    tenant: target.tenant,
    domain: target.domain,
    name,
    url,
    events,
    secretEncrypted: encrypt(ctx.config.secret, signingSecret),
  });
  const delivery = await ping(ctx, webhook);
  if (delivery.status === WebhookDeliveryStatus.FAILED) webhook.disable(pingFailure(delivery));
  else if (input.enabled === false) webhook.enabled = false;
  await ctx.em.flush();
  return { webhook, signingSecret };
}

/** Loads a webhook for a change (WEBHOOKS_MANAGE, in scope), with its secrets. */
async function webhookForChange(ctx: Context, gid: string): Promise<Webhook> {
  requirePermission(ctx, Permission.WEBHOOKS_MANAGE);
  const webhook = await ctx.em.findOne(Webhook, { id: fromGlobalId(gid, 'Webhook', 'id') }, { populate: ['secretEncrypted', 'previousSecretEncrypted'] });
  if (!webhook) throw webhookNotFound();
  return webhook;
}

/** Renames, re-targets, re-subscribes, enables or disables a webhook; a new URL or enabling is checked with a test ping. Side effects: write, network. */
export async function updateWebhook(ctx: Context, input: UpdateWebhookInput): Promise<Webhook> {
  const webhook = await webhookForChange(ctx, input.id);
  const name = input.name === null || input.name === undefined ? webhook.name : webhookName(input.name);
  const url = input.url === null || input.url === undefined ? webhook.url : webhookUrl(ctx, input.url);
  const events = input.events === null || input.events === undefined ? webhook.events : webhookEvents(input.events);
  const urlChanged = url !== webhook.url;
  webhook.name = name;
  webhook.url = url;
  webhook.events = [...events];
  if (input.enabled === false) webhook.enabled = false;
  else if (input.enabled === true || (urlChanged && webhook.enabled)) {
    const delivery = await ping(ctx, webhook);
    if (delivery.status === WebhookDeliveryStatus.FAILED) webhook.disable(pingFailure(delivery));
    else webhook.enable();
  }
  await ctx.em.flush();
  return webhook;
}

/** Deletes a webhook and its delivery log (WEBHOOKS_MANAGE). Side effect: delete. */
export async function deleteWebhook(ctx: Context, input: WebhookIdInput): Promise<string> {
  const webhook = await webhookForChange(ctx, input.id);
  const gid = webhook.gid;
  await ctx.em.removeAndFlush(webhook);
  return gid;
}

/**
 * Replaces the signing secret (WEBHOOKS_MANAGE): the old one keeps signing beside the new one for 24
 * hours, so receivers can switch with no downtime. Returns the new secret once. Side effect: write.
 */
export async function rotateWebhookSecret(ctx: Context, input: WebhookIdInput): Promise<{ webhook: Webhook; signingSecret: string }> {
  const webhook = await webhookForChange(ctx, input.id);
  const signingSecret = generateWebhookSecret();
  webhook.previousSecretEncrypted = webhook.secretEncrypted;
  webhook.previousSecretExpiresAt = new Date(ctx.deps.clock.now().getTime() + ROTATION_OVERLAP_MS);
  webhook.secretEncrypted = encrypt(ctx.config.secret, signingSecret);
  await ctx.em.flush();
  return { webhook, signingSecret };
}

/** Sends a signed test ping now (WEBHOOKS_MANAGE) and returns its delivery record. Side effects: network, write. */
export async function testWebhook(ctx: Context, input: WebhookIdInput): Promise<WebhookDelivery> {
  const webhook = await webhookForChange(ctx, input.id);
  const delivery = await ping(ctx, webhook);
  await ctx.em.flush();
  return delivery;
}
