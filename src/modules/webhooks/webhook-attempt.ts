import type { Config } from '../../config';
import type { Deps } from '../../context';
import { decrypt } from '../../lib/crypto';
import { signedHeaders } from './signing';
import type { AttemptResult } from './webhook-http';
import type { WebhookDelivery } from './webhook-delivery.entity';

/** Bus topic of delivery changes (payload: ids only). */
export const WEBHOOK_DELIVERY_TOPIC = 'webhookDeliveryUpdated';

/** What is published when deliveries of one webhook changed: their ids, in the order they changed. */
export interface DeliveriesUpdatedEvent {
  webhookId: string;
  accountId: string;
  deliveryIds: string[];
}

/** What signing and sending need of a webhook. */
export interface SigningTarget {
  url: string;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
}

/** One attempt as made: when, the signed headers, the URL and the outcome. */
export interface Attempt {
  at: Date;
  url: string;
  headers: Record<string, string>;
  result: AttemptResult;
}

/** The secrets that sign now: the current one, and the one before the last rotation while its overlap lasts. */
export function signingSecrets(config: Config, target: SigningTarget, now: Date): string[] {
  const secrets = [decrypt(config.secret, target.secretEncrypted)];
  if (target.previousSecretEncrypted && target.previousSecretExpiresAt && target.previousSecretExpiresAt.getTime() > now.getTime()) {
    secrets.push(decrypt(config.secret, target.previousSecretEncrypted));
  }
  return secrets;
}

/** Makes one request of a delivery (`messageId`, `body`) to the webhook's current URL, signed with its current secrets and timestamp. Side effects: network. */
export async function sendAttempt(config: Config, deps: Deps, target: SigningTarget, messageId: string, body: string): Promise<Attempt> {
  return sendSigned(deps, target.url, signingSecrets(config, target, deps.clock.now()), messageId, body);
}

/** Makes one request to `url` signed with `secrets` (decrypted already: a dispatcher signs a batch with them) and the current timestamp. Side effects: network. */
export async function sendSigned(deps: Deps, url: string, secrets: readonly string[], messageId: string, body: string): Promise<Attempt> {
  const at = deps.clock.now();
  const headers = signedHeaders(secrets, messageId, Math.floor(at.getTime() / 1000), body);
  const result = await deps.webhookSender.post(url, headers, body);
  return { at, url, headers, result };
}

/** Writes an attempt onto a delivery entity (not flushed). */
export function applyAttempt(delivery: WebhookDelivery, a: Attempt): void {
  delivery.attempts += 1;
  delivery.lastAttemptAt = a.at;
  delivery.url = a.url;
  delivery.requestHeaders = a.headers;
  delivery.responseStatus = a.result.status;
  delivery.responseBody = a.result.body;
  delivery.durationMs = a.result.durationMs;
  delivery.error = a.result.error;
}

/** Whether an answer is a success (2xx). Pure. */
export function isSuccess(r: AttemptResult): boolean {
  return r.status !== null && r.status >= 200 && r.status < 300;
}
