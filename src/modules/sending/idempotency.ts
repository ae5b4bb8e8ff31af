import type { EntityManager } from '@mikro-orm/postgresql';
import type { Scope } from '../../auth/scope';
import type { Context } from '../../context';
import { conflict } from '../../graphql/errors';
import { BulkSend } from './bulk-send.entity';
import { IdempotencyRecord } from './idempotency-record.entity';
import { Message } from './message.entity';

/** How long an idempotency key holds. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;

const usedElsewhere = () => conflict('idempotencyKey', 'This idempotencyKey was used for a different request in the last 24 hours');

/** This principal's record of the key within the last 24 hours (the principal's own: the scope filter and its key both say so). */
function liveRecord(ctx: Context, scope: Scope, key: string, now: Date): Promise<IdempotencyRecord | null> {
  return ctx.em.findOne(IdempotencyRecord, { principalKey: scope.principalKey, key, createdAt: { $gt: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS) } });
}

/**
 * The messages an earlier sendEmail with this key created, when it was made by the same principal
 * within 24 hours with the same body; CONFLICT on `idempotencyKey` when the body differed (or the key
 * was a bulk send's); null when the key is new (or expired).
 */
export async function replayIdempotent(ctx: Context, scope: Scope, key: string, hash: string, now: Date): Promise<Message[] | null> {
  const record = await liveRecord(ctx, scope, key, now);
  if (!record) return null;
  if (record.requestHash !== hash || record.bulkSendId !== null) throw usedElsewhere();
  const messages = await ctx.em.find(Message, { id: { $in: record.messageIds } });
  const byId = new Map(messages.map((m) => [m.id, m]));
  return record.messageIds.map((id) => byId.get(id)).filter((m): m is Message => m !== undefined);
}

/**
 * The bulk send an earlier sendBulkEmail with this key created, when it was made by the same principal
 * within 24 hours with the same body (as it stands now: its progress so far); CONFLICT on `idempotencyKey`
 * when the body differed (or the key was a sendEmail's); null when the key is new (or expired).
 */
export async function replayIdempotentBulk(ctx: Context, scope: Scope, key: string, hash: string, now: Date): Promise<BulkSend | null> {
  const record = await liveRecord(ctx, scope, key, now);
  if (!record) return null;
  if (record.requestHash !== hash || record.bulkSendId === null) throw usedElsewhere();
  // Bulk sends go only with their account (as the record does): the one it names is there.
  return ctx.em.findOneOrFail(BulkSend, { id: record.bulkSendId });
}

/**
 * Claims a key for what a request creates — messages, or a bulk send — inside its transaction: drops this
 * principal's expired record of the key, then adds the new one (flushed with the rest; a concurrent claim
 * of the same key fails on the unique constraint). Side effects: writes in `em`'s transaction.
 */
export async function claimIdempotencyKey(em: EntityManager, scope: Scope, key: string, hash: string, made: { messageIds: string[] } | { bulkSendId: string }, now: Date): Promise<void> {
  await em.nativeDelete(IdempotencyRecord, { principalKey: scope.principalKey, key, createdAt: { $lte: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS) } });
  const created = 'bulkSendId' in made ? { messageIds: [], bulkSendId: made.bulkSendId } : { messageIds: made.messageIds, bulkSendId: null };
  em.create(IdempotencyRecord, { account: scope.accountId, principalKey: scope.principalKey, key, requestHash: hash, ...created, createdAt: now, updatedAt: now });
}
