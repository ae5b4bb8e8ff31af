import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventConsumer } from '../../events/consumers';
import { ActivityEventType } from '../../events/event-type';
import type { EventRow } from '../../events/event-row';
import type { TaskDeps } from '../module';
import { insertSoftBounces, placeHold, type SoftBounceRow, tallySoftBounces } from './on-hold.queries';
import { publishChangesOnCommit } from './suppression-events';
import { SuppressionChangeKind, SuppressionList, SuppressionSource } from './suppression.enums';
import { type ChangedEntry, insertEntries, type NewEntry } from './suppressions.queries';

/** The job that releases an ON_HOLD entry when its time is up. */
export const RELEASE_HOLD_TASK = 'release-suppression-hold';

/** The list each event type adds to (SOFT_BOUNCED counts toward ON_HOLD instead). */
const LIST_OF: Partial<Record<ActivityEventType, { list: SuppressionList; reason: string }>> = {
  [ActivityEventType.HARD_BOUNCED]: { list: SuppressionList.HARD_BOUNCE, reason: 'Hard bounce' },
  [ActivityEventType.SPAM_COMPLAINT]: { list: SuppressionList.SPAM_COMPLAINT, reason: 'Spam complaint' },
  [ActivityEventType.UNSUBSCRIBED]: { list: SuppressionList.UNSUBSCRIBE, reason: 'Unsubscribed' },
};

/** The diagnostic an event carries (SMTP reply, DSN diagnostic, report type), at most 1000 characters. Pure. */
export function diagnosticOf(e: EventRow): string | null {
  const d = e.data;
  for (const key of ['diagnosticCode', 'response', 'smtpResponse', 'status', 'feedbackType', 'source']) {
    const v = d[key];
    if (typeof v === 'string' && v.trim()) return v.trim().slice(0, 1000);
  }
  return null;
}

function entryOf(e: EventRow, list: SuppressionList, reason: string): NewEntry {
  return {
    accountId: e.accountId,
    domainId: e.domainId,
    tenantId: e.tenantId,
    senderIdentityId: e.senderIdentityId,
    list,
    recipient: e.recipient.trim().toLowerCase(),
    pattern: null,
    likePattern: null,
    reason,
    source: SuppressionSource.EVENT,
    originEventId: e.id,
    originMessageId: e.messageId,
    originDiagnostic: diagnosticOf(e),
  };
}

function softBounceOf(e: EventRow): SoftBounceRow {
  return {
    accountId: e.accountId,
    domainId: e.domainId,
    tenantId: e.tenantId,
    senderIdentityId: e.senderIdentityId,
    recipient: e.recipient.trim().toLowerCase(),
    eventId: e.id,
    occurredAt: e.occurredAt,
  };
}

/**
 * Counts the batch's soft bounces, then for each recipient that reached its tenant's threshold within
 * the window puts it ON_HOLD (from its last soft bounce, for the hold hours) and queues the durable
 * release job — all in the batch's transaction. Returns the holds that are new.
 */
async function applySoftBounces(em: EntityManager, events: readonly EventRow[], td: TaskDeps): Promise<ChangedEntry[]> {
  const rows = events.map(softBounceOf);
  await insertSoftBounces(em, rows);
  const last = new Map<string, { row: SoftBounceRow; event: EventRow }>();
  events.forEach((e, i) => last.set([e.accountId, e.domainId, e.senderIdentityId, rows[i].recipient].join('|'), { row: rows[i], event: e }));
  const added: ChangedEntry[] = [];
  const latest = [...last.values()];
  const tallies = await tallySoftBounces(
    em,
    latest.map((l) => l.row),
  );
  for (const [i, { row, event }] of latest.entries()) {
    const { count, threshold, windowDays, holdHours } = tallies[i];
    if (count < threshold) continue;
    const until = new Date(row.occurredAt.getTime() + holdHours * 3600_000);
    const reason = `${count} soft bounces within ${windowDays} days`;
    const hold = await placeHold(em, row, until, reason, diagnosticOf(event), event.messageId);
    await td.deps.queue.add(em, RELEASE_HOLD_TASK, { suppressionId: hold.entry.id }, { runAt: hold.expiresAt, jobKey: `${RELEASE_HOLD_TASK}:${hold.entry.id}` });
    if (hold.added) added.push(hold.entry);
  }
  return added;
}

/**
 * The `suppressions` consumer: HARD_BOUNCED, SPAM_COMPLAINT and UNSUBSCRIBED events (whatever wrote
 * them) add the recipient to its domain's list, origin kept; SOFT_BOUNCED events are counted toward
 * ON_HOLD. Each entry is scoped like the event's message (domain, tenant, sender identity). Additions
 * are published on commit. Everything happens in the batch's transaction, so each event applies once.
 */
export const suppressionsConsumer: EventConsumer<TaskDeps> = {
  name: 'suppressions',
  batchSize: 1000,
  types: [ActivityEventType.HARD_BOUNCED, ActivityEventType.SPAM_COMPLAINT, ActivityEventType.UNSUBSCRIBED, ActivityEventType.SOFT_BOUNCED],
  async handle(em, events, td) {
    const entries: NewEntry[] = [];
    const soft: EventRow[] = [];
    for (const e of events) {
      const target = LIST_OF[e.type];
      if (target) entries.push(entryOf(e, target.list, target.reason));
      else if (e.type === ActivityEventType.SOFT_BOUNCED) soft.push(e);
    }
    const added = await insertEntries(em, entries);
    if (soft.length) added.push(...(await applySoftBounces(em, soft, td)));
    await publishChangesOnCommit(em, SuppressionChangeKind.ADDED, added);
  },
};
