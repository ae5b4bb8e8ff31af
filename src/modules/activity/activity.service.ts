import { Permission } from '../../auth/permissions';
import type { Scope } from '../../auth/scope';
import { type Context, requirePermission } from '../../context';
import { pageSize, type PageWindow } from '../../graphql/pagination';
import { Message } from '../sending/message.entity';
import { ActivityEvent } from './activity-event.entity';
import { type ActivityFilterInput, filterMatches, filterWhere, type ResolvedFilter, resolveFilter } from './activity-filter';
import { ActivityEventConnection, ActivityEventNode, decodeEventCursor, eventNodeFromEntity, openEventGlobalId } from './activity.types';
import type { EventRow } from '../../events/event-row';
import { pushTo } from '../../lib/collections';
import { findInScope } from '../../db/find-in-scope';
import { scopeAdmitsRow } from '../../auth/scope';
import { releasing } from '../../lib/expand';

/** Lists events in the caller's scope, newest first, with cursor pagination (and `skip` for numbered pages). Needs ACTIVITY_READ. */
export async function listActivity(ctx: Context, args: PageWindow, filterInput: ActivityFilterInput | null | undefined): Promise<ActivityEventConnection> {
  const scope = requirePermission(ctx, Permission.ACTIVITY_READ);
  const first = pageSize(args.first);
  const filter = resolveFilter(filterInput);
  const where = filterWhere(filter);
  const beforeId = args.after ? decodeEventCursor(ctx.config.secret, scope.accountId, args.after) : null;
  const pageWhere = beforeId ? { ...where, id: { $lt: beforeId } } : where;
  const [rows, totalCount] = await Promise.all([
    ctx.em.find(ActivityEvent, pageWhere, { orderBy: { id: 'desc' }, limit: first + 1, offset: args.skip || undefined }),
    ctx.em.count(ActivityEvent, where),
  ]);
  const edges = rows.slice(0, first).map((e) => {
    const node = eventNodeFromEntity(e, ctx.config.secret);
    return { cursor: node.cursor, node };
  });
  return {
    edges,
    totalCount,
    pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: beforeId !== null || (args.skip ?? 0) > 0, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/** Loads one message in the caller's scope, or NOT_FOUND. Needs ACTIVITY_READ. */
export async function getMessage(ctx: Context, gid: string): Promise<Message> {
  requirePermission(ctx, Permission.ACTIVITY_READ);
  return findInScope(ctx, Message, 'Message', gid);
}

/** Events of messages, batched per request, through the scoped entity manager. */
export function messageEvents(ctx: Context, messageId: string): Promise<ActivityEventNode[]> {
  return ctx
    .loader<string, ActivityEventNode[]>('message-events', async (ids) => {
      const rows = await ctx.em.find(ActivityEvent, { message: { $in: [...ids] } }, { orderBy: { id: 'asc' } });
      const groups = new Map<string, ActivityEventNode[]>();
      for (const r of rows) pushTo(groups, r.message.id, eventNodeFromEntity(r, ctx.config.secret));
      return ids.map((id) => groups.get(id) ?? []);
    })
    .load(messageId);
}

/** The lazy content columns of messages (html, text, raw), batched per request. */
export function messageContent(ctx: Context, messageId: string): Promise<{ html: string | null; text: string | null; raw: string | null } | null> {
  return ctx
    .loader<string, { html: string | null; text: string | null; raw: string | null } | null>('message-content', async (ids) => {
      const rows = await ctx.em.find(Message, { id: { $in: [...ids] } }, { populate: ['html', 'text', 'raw'] as never[] });
      const map = new Map(rows.map((m) => [m.id, { html: m.html, text: m.text, raw: m.raw }]));
      return ids.map((id) => map.get(id) ?? null);
    })
    .load(messageId);
}

/** A queue an async iterator drains; pushes never block. */
class EventQueue {
  private items: EventRow[] = [];
  private wake: (() => void) | null = null;
  private closed = false;

  push(row: EventRow): void {
    this.items.push(row);
    this.wake?.();
    this.wake = null;
  }

  /** The next row; null once closed. */
  async next(): Promise<EventRow | null> {
    while (this.items.length === 0 && !this.closed) await new Promise<void>((r) => (this.wake = r));
    return this.closed ? null : this.items.shift()!;
  }

  /** Ends the queue: a waiting `next()` answers null at once. */
  close(): void {
    this.closed = true;
    this.wake?.();
    this.wake = null;
  }
}

const REPLAY_PAGE = 500;

/**
 * Streams events in the caller's scope that match the filter. With `after`, first replays every
 * stored event after that cursor (through the scoped entity manager), then continues live from the
 * feed with no gap and no duplicate: the feed is subscribed before the replay reads, and live events
 * at or below the last replayed id are skipped. Permission, filter and cursor are checked before the
 * stream starts, so a bad `after` is a BAD_USER_INPUT of the subscribe call. Each event is resolved
 * with a renewed context (`ctx.renew()`): `message { status }` is the status at that event, and the
 * socket's memory does not grow with its life. Needs ACTIVITY_READ.
 */
export function streamActivity(ctx: Context, filterInput: ActivityFilterInput | null | undefined, after: string | null | undefined): AsyncIterableIterator<ActivityEventNode> {
  const scope = requirePermission(ctx, Permission.ACTIVITY_READ);
  const filter = resolveFilter(filterInput);
  const afterId = after ? decodeEventCursor(ctx.config.secret, scope.accountId, after) : null;
  const queue = new EventQueue();
  return releasing(replayThenLive(ctx, scope, filter, afterId, queue), () => queue.close());
}

async function* replayThenLive(ctx: Context, scope: Scope, filter: ResolvedFilter, afterId: string | null, queue: EventQueue): AsyncGenerator<ActivityEventNode> {
  const secret = ctx.config.secret;
  let lastId = afterId;
  const unsubscribe = ctx.deps.feed.subscribe((row) => {
    if (scopeAdmitsRow(scope, row) && filterMatches(filter, row)) queue.push(row);
  });
  try {
    if (lastId !== null) {
      const where = filterWhere(filter);
      for (;;) {
        const em = ctx.em.fork();
        const rows: ActivityEvent[] = await em.find(ActivityEvent, { ...where, id: { $gt: lastId } }, { orderBy: { id: 'asc' }, limit: REPLAY_PAGE });
        for (const r of rows) {
          lastId = String(r.id);
          ctx.renew();
          yield eventNodeFromEntity(r, secret);
        }
        if (rows.length < REPLAY_PAGE) break;
      }
    }
    for (;;) {
      const row = await queue.next();
      if (row === null) return;
      if (lastId !== null && BigInt(row.id) <= BigInt(lastId)) continue;
      lastId = row.id;
      ctx.renew();
      yield new ActivityEventNode(row, secret);
    }
  } finally {
    unsubscribe();
  }
}

/** Loads one event by its (sealed) global id in the caller's scope; null when missing, outside the scope, or not an event id of this account. Needs ACTIVITY_READ. */
export async function getEventNode(ctx: Context, gid: string): Promise<ActivityEventNode | null> {
  const scope = requirePermission(ctx, Permission.ACTIVITY_READ);
  const id = openEventGlobalId(ctx.config.secret, scope.accountId, gid);
  if (id === null) return null;
  const row = await ctx.em.findOne(ActivityEvent, { account: scope.accountId, id });
  return row ? eventNodeFromEntity(row, ctx.config.secret) : null;
}
