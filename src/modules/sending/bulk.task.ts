import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../auth/principal';
import { createContext, systemEm } from '../../context';
import { AppError } from '../../graphql/errors';
import { insertPlatformEvents, type NewPlatformEvent } from '../../events/platform-events.queries';
import { ApiToken } from '../api-tokens/api-token.entity';
import type { TaskDeps } from '../module';
import { BulkSend, BulkSendStatus } from './bulk-send.entity';
import type { Message } from './message.entity';
import { MessageStatus } from './message.types';
import type { BulkJobPayload } from './bulk.service';
import { currentPrincipal, type StoredPrincipal } from './principal-refresh';
import { newSendMemo, type PreparedSend, prepareSend } from './send-prepare';
import { commitOne, commitSends } from './send.service';
import type { SendEmailInput } from './sending.inputs';

/** Requests per chunk: checked together, written in one transaction with the progress. */
export const BULK_CHUNK = 50;

type BulkError = BulkSend['errors'][number];
interface ChunkResult {
  queued: number;
  suppressed: number;
  errors: BulkError[];
}

function revive(raw: unknown): SendEmailInput {
  const r = raw as SendEmailInput & { sendAt?: string | null };
  return { ...r, sendAt: r.sendAt ? new Date(r.sendAt) : null } as SendEmailInput;
}

function errorOf(index: number, e: AppError): BulkError {
  const field = e.extensions.field;
  return { index, code: String(e.extensions.code), field: typeof field === 'string' ? field : null, message: e.message };
}

/** Counts the messages a request wrote: all of them in messagesQueued, the suppressed ones in messagesSuppressed too. */
function count(out: ChunkResult, messages: readonly Message[]): void {
  out.queued += messages.length;
  out.suppressed += messages.filter((m) => m.status === MessageStatus.SUPPRESSED).length;
}

/** Checks each request of a chunk as the principal; requests with their own idempotency key are written at once, one by one (a re-run replays them). */
async function checkChunk(td: TaskDeps, bulk: BulkSend, principal: Principal, indexes: number[], out: ChunkResult): Promise<PreparedSend[]> {
  const ctx = createContext(td.orm, td.config, td.deps, principal, `bulk:${bulk.id}`);
  // One budget for the renders of the whole chunk: past it, the chunk's remaining template requests fail.
  const memo = newSendMemo(Date.now() + td.config.renderChunkBudgetMs);
  const batch: PreparedSend[] = [];
  for (const index of indexes) {
    try {
      const checked = await prepareSend(ctx, revive(bulk.requests[index]), memo);
      if ('replay' in checked) count(out, checked.replay);
      else if (checked.prepared.key) count(out, await commitOne(ctx, checked.prepared, bulk.id));
      else batch.push(checked.prepared);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      out.errors.push(errorOf(index, e));
    }
  }
  return batch;
}

/**
 * One chunk: the requests are checked as the principal, then the messages, jobs and events of
 * every accepted request are written in ONE transaction together with the bulk's progress — so a
 * job re-run after a crash resumes after the last committed chunk and accepts nothing twice.
 */
async function processChunk(td: TaskDeps, bulk: BulkSend, principal: Principal | null, indexes: number[]): Promise<void> {
  const out: ChunkResult = { queued: 0, suppressed: 0, errors: [] };
  const batch = principal ? await checkChunk(td, bulk, principal, indexes, out) : [];
  if (!principal) {
    for (const index of indexes) out.errors.push({ index, code: 'UNAUTHENTICATED', field: null, message: 'The token or member that submitted this bulk send is no longer active' });
  }
  await systemEm(td.orm).transactional(async (em) => {
    if (batch.length) {
      const ctx = createContext(td.orm, td.config, td.deps, principal!, `bulk:${bulk.id}`);
      count(out, (await commitSends(ctx, em, batch, bulk.id)).flat());
    }
    const errors = [...bulk.errors, ...out.errors.sort((a, b) => a.index - b.index)];
    const progress = {
      processed: bulk.processed + indexes.length,
      messagesQueued: bulk.messagesQueued + out.queued,
      messagesSuppressed: bulk.messagesSuppressed + out.suppressed,
      failed: bulk.failed + out.errors.length,
      errors,
    };
    await em.nativeUpdate(BulkSend, { id: bulk.id }, progress);
    Object.assign(bulk, progress);
  });
}

/**
 * Works through a bulk send chunk by chunk, as the principal that submitted it (with the rights
 * it has now: a principal that is no longer active fails the remaining requests), saving progress
 * and per-request errors with each chunk; its completion is a BULK_EMAIL_COMPLETED platform event.
 * Side effects: writes messages, jobs, events, progress.
 */
export async function processBulkSend(td: TaskDeps, payload: BulkJobPayload): Promise<void> {
  const em = systemEm(td.orm);
  const bulk = await em.findOne(BulkSend, { id: payload.bulkId }, { populate: ['requests'] });
  if (!bulk || bulk.status === BulkSendStatus.COMPLETED) return;
  if (bulk.status === BulkSendStatus.QUEUED) await em.nativeUpdate(BulkSend, { id: bulk.id }, { status: BulkSendStatus.PROCESSING });
  while (bulk.processed < bulk.total) {
    const indexes = Array.from({ length: Math.min(BULK_CHUNK, bulk.total - bulk.processed) }, (_, i) => bulk.processed + i);
    await processChunk(td, bulk, await currentPrincipal(td.orm, td.deps.clock, payload.principal), indexes);
  }
  await em.transactional(async (tx) => {
    await tx.nativeUpdate(BulkSend, { id: bulk.id }, { status: BulkSendStatus.COMPLETED, requests: [] });
    await insertPlatformEvents(tx, [await completedEvent(tx, bulk, payload.principal)]);
  });
}

/**
 * The BULK_EMAIL_COMPLETED event of a bulk send, placed where its submitter stands: the tenant, domain
 * or sender identity its API token is limited to (so that scope's webhooks hear of it), else the account.
 */
async function completedEvent(em: EntityManager, bulk: BulkSend, stored: StoredPrincipal): Promise<NewPlatformEvent> {
  const token = stored.kind === 'API_TOKEN' ? await em.findOne(ApiToken, { id: stored.tokenId }, { populate: ['senderIdentity', 'domain'] }) : null;
  const identity = token?.senderIdentity?.getEntity() ?? null;
  const data = { total: bulk.total, processed: bulk.processed, messagesQueued: bulk.messagesQueued, failed: bulk.failed };
  return {
    type: 'BULK_EMAIL_COMPLETED',
    accountId: bulk.account.id,
    tenantId: token?.tenant?.id ?? token?.domain?.getEntity().tenant?.id ?? identity?.tenant.id ?? null,
    domainId: token?.domain?.id ?? null,
    senderIdentityId: identity?.id ?? null,
    subjectId: bulk.id,
    data,
  };
}
