import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import type { Deps } from '../../context';
import { decrypt } from '../../lib/crypto';
import { publishOnCommit } from '../../pubsub/bus';
import { signedHeaders } from './signing';
import type { AttemptResult } from './webhook-http';
import type { WebhookDelivery } from './webhook-delivery.entity';
import type { Webhook } from './webhook.entity';

/** Bus topic of delivery changes (payload: ids only). */
export const WEBHOOK_DELIVERY_TOPIC = 'webhookDeliveryUpdated';

/** What is published when a delivery changed. */
export interface DeliveryUpdatedEvent {
  deliveryId: string;
  webhookId: string;
  accountId: string;
}

/** The secrets that sign now: the current one, and the one before the last rotation while its overlap lasts. */
export function signingSecrets(config: Config, webhook: Webhook, now: Date): string[] {
  const secrets = [decrypt(config.secret, webhook.secretEncrypted)];
  if (webhook.previousSecretEncrypted && webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt.getTime() > now.getTime()) {
    secrets.push(decrypt(config.secret, webhook.previousSecretEncrypted));
  }
  return secrets;
}

/**
 * Makes one request of a delivery to its webhook's current URL, signed with the current secrets and
 * timestamp, and writes the attempt onto the delivery entity (not flushed). Side effects: network.
 */
export async function attemptDelivery(config: Config, deps: Deps, webhook: Webhook, delivery: WebhookDelivery): Promise<AttemptResult> {
  const now = deps.clock.now();
  const headers = signedHeaders(signingSecrets(config, webhook, now), delivery.messageId, Math.floor(now.getTime() / 1000), delivery.body);
  const result = await deps.webhookSender.post(webhook.url, headers, delivery.body);
  delivery.attempts += 1;
  delivery.lastAttemptAt = now;
  delivery.url = webhook.url;
  delivery.requestHeaders = headers;
  delivery.responseStatus = result.status;
  delivery.responseBody = result.body;
  delivery.durationMs = result.durationMs;
  delivery.error = result.error;
  return result;
}

/** Announces a delivery change to webhookDeliveryUpdated subscribers when `em`'s transaction commits. */
export async function publishDeliveryUpdated(em: EntityManager, delivery: WebhookDelivery): Promise<void> {
  const event: DeliveryUpdatedEvent = { deliveryId: delivery.id, webhookId: delivery.webhook.id, accountId: delivery.account.id };
  await publishOnCommit(em, WEBHOOK_DELIVERY_TOPIC, event);
}

/** Whether an answer is a success (2xx). Pure. */
export function isSuccess(r: AttemptResult): boolean {
  return r.status !== null && r.status >= 200 && r.status < 300;
}
