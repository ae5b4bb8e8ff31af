import type { EntityManager } from '@mikro-orm/postgresql';
import type { Scope } from '../../auth/scope';
import type { Context } from '../../context';
import { conflict } from '../../graphql/errors';
import { IdempotencyRecord } from './idempotency-record.entity';
import { Message } from './message.entity';

/** How long an idempotency key holds. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;

/**
 * The messages an earlier request with this key created, when it was made by the same principal
 * within 24 hours with the same body; CONFLICT on `idempotencyKey` when the body differed; null
 * when the key is new (or expired).
 */
export async function replayIdempotent(ctx: Context, scope: Scope, key: string, hash: string, now: Date): Promise<Message[] | null> {
  const record = await ctx.em.findOne(IdempotencyRecord, { principalKey: scope.principalKey, key, createdAt: { $gt: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS) } });
  if (!record) return null;
  if (record.requestHash !== hash) throw conflict('idempotencyKey', 'This idempotencyKey was used for a different request in the last 24 hours');
  const messages = await ctx.em.find(Message, { id: { $in: record.messageIds } });
  const byId = new Map(messages.map((m) => [m.id, m]));
  return record.messageIds.map((id) => byId.get(id)).filter((m): m is Message => m !== undefined);
}

/**
 * Claims a key for new messages inside the sending transaction: drops this principal's expired
 * record of the key, then adds the new one (flushed with the messages; a concurrent claim of the
 * same key fails on the unique constraint). Side effects: writes in `em`'s transaction.
 */
export async function claimIdempotencyKey(em: EntityManager, scope: Scope, key: string, hash: string, messageIds: string[], now: Date): Promise<void> {
  await em.nativeDelete(IdempotencyRecord, { principalKey: scope.principalKey, key, createdAt: { $lte: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS) } });
  em.create(IdempotencyRecord, { account: scope.accountId, principalKey: scope.principalKey, key, requestHash: hash, messageIds, createdAt: now, updatedAt: now });
}
