import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import { type Scope, scopeAdmitsRow } from '../../auth/scope';
import { type Bus, type Context, requirePermission } from '../../context';
import { insertPlatformEvents } from '../../events/platform-events.queries';
import { publishAllOnCommit } from '../../pubsub/bus';
import { Suppression } from './suppression.entity';
import { SuppressionChangeKind, SuppressionList } from './suppression.enums';
import type { ChangedEntry } from './suppressions.queries';
import type { ResolvedSuppressionFilter } from './sql';
import { pushTo } from '../../lib/collections';
import { expandEach } from '../../lib/expand';

/** Bus topic of added and removed entries. */
export const SUPPRESSION_CHANGED = 'suppressionChanged';

/** What is published: the kind and the entries' ids (never an address). */
export interface SuppressionChangedMessage {
  kind: SuppressionChangeKind;
  accountId: string;
  entries: Omit<ChangedEntry, 'accountId' | 'recipient' | 'pattern'>[];
}

/** Entries per NOTIFY (its payload is limited to 8000 bytes). */
const PER_MESSAGE = 25;

function messages(kind: SuppressionChangeKind, entries: readonly ChangedEntry[]): SuppressionChangedMessage[] {
  const byAccount = new Map<string, ChangedEntry[]>();
  for (const e of entries) pushTo(byAccount, e.accountId, e);
  const out: SuppressionChangedMessage[] = [];
  for (const [accountId, list] of byAccount) {
    for (let i = 0; i < list.length; i += PER_MESSAGE) {
      out.push({ kind, accountId, entries: list.slice(i, i + PER_MESSAGE).map(({ accountId: _a, recipient: _r, pattern: _p, ...rest }) => rest) });
    }
  }
  return out;
}

/**
 * Records changes in `em`'s transaction: as platform events (SUPPRESSION_ADDED/REMOVED,
 * RECIPIENT_ON_HOLD_ADDED/REMOVED — what webhooks deliver; the last statement of the transaction,
 * under the event-order lock) and on the bus for `suppressionChanged` (ids only, delivered on commit).
 * For consumers, jobs and mutations alike.
 */
export async function publishChangesOnCommit(em: EntityManager, kind: SuppressionChangeKind, entries: readonly ChangedEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await publishAllOnCommit(em, SUPPRESSION_CHANGED, [...messages(kind, entries)]);
  const added = kind === SuppressionChangeKind.ADDED;
  await insertPlatformEvents(
    em,
    entries.map((e) => ({
      type: e.list === SuppressionList.ON_HOLD ? (added ? 'RECIPIENT_ON_HOLD_ADDED' : 'RECIPIENT_ON_HOLD_REMOVED') : added ? 'SUPPRESSION_ADDED' : 'SUPPRESSION_REMOVED',
      accountId: e.accountId,
      tenantId: e.tenantId,
      domainId: e.domainId,
      senderIdentityId: e.senderIdentityId,
      subjectId: e.id,
      data: { list: e.list, recipient: e.recipient, pattern: e.pattern },
    })),
  );
}

/** One change as a subscriber sees it: the entry when added (re-read in the subscriber's scope), its id and list when removed. */
export interface SuppressionChangeItem {
  kind: SuppressionChangeKind;
  id: string;
  list: SuppressionList;
  domainId: string | null;
  suppression: Suppression | null;
}

function isMessage(m: unknown): m is SuppressionChangedMessage {
  const x = m as SuppressionChangedMessage | null;
  return typeof x === 'object' && x !== null && typeof x.accountId === 'string' && Array.isArray(x.entries) && (x.kind === 'ADDED' || x.kind === 'REMOVED');
}

function filterAdmits(f: ResolvedSuppressionFilter, e: Omit<ChangedEntry, 'accountId' | 'recipient' | 'pattern'>): boolean {
  return (!f.lists || f.lists.includes(e.list)) && (!f.domainIds || (e.domainId !== null && f.domainIds.includes(e.domainId))) && (!f.tenantId || e.tenantId === f.tenantId);
}

/**
 * The live stream of changes for a subscriber (SUPPRESSIONS_READ, checked before it starts): other
 * accounts' messages are dropped first, then each entry outside the subscriber's scope or filter;
 * added entries are re-read through a fresh entity manager bound to the scope (dropped when that finds nothing).
 */
export function suppressionChanges(ctx: Context, filter: ResolvedSuppressionFilter): AsyncIterableIterator<SuppressionChangeItem> {
  const scope = requirePermission(ctx, Permission.SUPPRESSIONS_READ);
  // Subscribed at once, so nothing published after the subscribe call is missed.
  return changesFor(ctx, scope, filter, ctx.deps.bus.subscribe(SUPPRESSION_CHANGED));
}

function changesFor(ctx: Context, scope: Scope, filter: ResolvedSuppressionFilter, source: AsyncIterableIterator<unknown>): AsyncIterableIterator<SuppressionChangeItem> {
  // expandEach, not an async generator: a subscriber leaving ends the bus listener at once.
  return expandEach(source, async (m): Promise<SuppressionChangeItem[]> => {
    if (!isMessage(m) || m.accountId !== scope.accountId) return [];
    const entries = m.entries.filter((e) => scopeAdmitsRow(scope, { ...e, accountId: m.accountId }) && filterAdmits(filter, e));
    if (entries.length === 0) return [];
    if (m.kind === SuppressionChangeKind.REMOVED) return entries.map((e) => ({ kind: m.kind, id: e.id, list: e.list, domainId: e.domainId, suppression: null }));
    const rows = await ctx.em.fork({ clear: true }).find(Suppression, { id: { $in: entries.map((e) => e.id) } }, { orderBy: { id: 'asc' } });
    return rows.map((s) => ({ kind: m.kind, id: s.id, list: s.list, domainId: s.domain?.id ?? null, suppression: s }));
  });
}
