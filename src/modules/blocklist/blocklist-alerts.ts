import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import { type Context, type JobQueue, requirePermission } from '../../context';
import { insertPlatformEvents } from '../../events/platform-events.queries';
import { badInput } from '../../graphql/errors';
import { fromGlobalId, toGlobalId } from '../../graphql/global-id';
import { decodeSequenceCursor, encodeSequenceCursor } from '../../graphql/pagination';
import { publishOnCommit } from '../../pubsub/bus';
import { BlocklistAlert } from './blocklist-alert.entity';
import { type NewAlert, insertAlerts } from './blocklist-alerts.queries';
import { BlocklistAlertKind } from './blocklist.enums';
import type { BlocklistAlertFilterInput } from './blocklist.inputs';
import { ALERT_MAIL_TASK } from './blocklist-schedule';
import { releasing } from '../../lib/expand';

/** Bus topic that wakes alert subscribers once alerts commit (payload: the account id only). */
export const BLOCKLIST_ALERTS_TOPIC = 'blocklistAlerts';
/** The purpose of alert cursors (sealed per account). */
const CURSOR_PURPOSE = 'blocklist-alert';

/** The opaque, resumable cursor of an alert (its sequence number sealed for its account). */
export function alertCursor(secret: Buffer, alert: BlocklistAlert): string {
  return encodeSequenceCursor(secret, CURSOR_PURPOSE, alert.account.id, alert.seq);
}

/** Payload of an alert mail job. */
export interface AlertMailPayload {
  alertId: string;
  to: string;
}

/**
 * Records a check's alerts in `em`'s transaction: platform events BLOCKLIST_LISTED / BLOCKLIST_DELISTED
 * for webhooks (when the monitor sends to webhooks), one mail job per (alert, address) for the monitor's
 * notifyEmails (every kind, ZONE_UNHEALTHY included), the alert rows (commit-ordered) and a bus wake-up on commit for the live subscription.
 * Side effects: writes, jobs, NOTIFY on commit.
 */
export async function recordAlerts(em: EntityManager, queue: JobQueue, alerts: readonly NewAlert[], opts: { webhooks: boolean; notifyEmails: readonly string[] }): Promise<void> {
  if (alerts.length === 0) return;
  const changes = alerts.filter((a) => a.kind !== BlocklistAlertKind.ZONE_UNHEALTHY);
  // Every alert is mailed, a zone turning unhealthy too (no webhook event names it: webhooks get listings and delistings).
  await queue.addMany(
    em,
    alerts.flatMap((a) =>
      opts.notifyEmails.map((to) => ({ task: ALERT_MAIL_TASK, payload: { alertId: a.id, to } satisfies AlertMailPayload, opts: { jobKey: `${ALERT_MAIL_TASK}:${a.id}:${to}`, maxAttempts: 10 } })),
    ),
  );
  await publishOnCommit(em, BLOCKLIST_ALERTS_TOPIC, { accountId: alerts[0].accountId });
  await insertAlerts(em, alerts);
  if (opts.webhooks && changes.length) {
    await insertPlatformEvents(
      em,
      changes.map((a) => ({
        type: a.kind === BlocklistAlertKind.LISTED ? 'BLOCKLIST_LISTED' : 'BLOCKLIST_DELISTED',
        accountId: a.accountId,
        tenantId: a.tenantId,
        domainId: a.domainId,
        senderIdentityId: null,
        subjectId: a.id,
        occurredAt: a.occurredAt,
        data: { kind: a.kind, monitorId: toGlobalId('BlocklistMonitor', a.monitorId), address: a.address, zone: a.zone, returnCodes: a.returnCodes, reason: a.reason },
      })),
    );
  }
}

/** The subscription's filter, resolved. */
interface AlertFilter {
  monitorIds: string[] | null;
  tenantId: string | null;
}

function resolveAlertFilter(f: BlocklistAlertFilterInput | null | undefined): AlertFilter {
  const monitorIds = f?.monitorIds?.length ? f.monitorIds.map((g, i) => fromGlobalId(g, 'BlocklistMonitor', `filter.monitorIds[${i}]`)) : null;
  if (monitorIds && monitorIds.length > 100) throw badInput('filter.monitorIds', 'filter.monitorIds may list at most 100 monitors');
  return { monitorIds, tenantId: f?.tenantId ? fromGlobalId(f.tenantId, 'Tenant', 'filter.tenantId') : null };
}

function alertWhere(f: AlertFilter, afterSeq: string): Record<string, unknown> {
  return { seq: { $gt: afterSeq }, ...(f.monitorIds ? { monitor: { $in: f.monitorIds } } : {}), ...(f.tenantId ? { tenant: f.tenantId } : {}) };
}

const PAGE = 200;

/**
 * The live alerts of the caller's scope matching the filter (BLOCKLIST_READ): the bus only wakes the
 * stream; each wake-up reads the committed alerts after the last one yielded, through the scoped entity
 * manager, so only rows in scope are ever read. With `after` (an alert's cursor) it first replays every
 * alert since then; without, it starts from now. Permission, filter and cursor are checked before the
 * stream starts.
 */
export function streamBlocklistAlerts(ctx: Context, filterInput: BlocklistAlertFilterInput | null | undefined, after: string | null | undefined): AsyncIterableIterator<BlocklistAlert> {
  const scope = requirePermission(ctx, Permission.BLOCKLIST_READ);
  const filter = resolveAlertFilter(filterInput);
  const afterSeq = after ? decodeSequenceCursor(ctx.config.secret, CURSOR_PURPOSE, scope.accountId, after) : null;
  // Subscribed at once, so no wake-up after this call is missed.
  const wake = ctx.deps.bus.subscribe(BLOCKLIST_ALERTS_TOPIC);
  return releasing(alertsFrom(ctx, scope.accountId, filter, afterSeq, wake), () => wake.return?.());
}

async function* alertsFrom(ctx: Context, accountId: string, filter: AlertFilter, afterSeq: string | null, wake: AsyncIterableIterator<unknown>): AsyncGenerator<BlocklistAlert> {
  try {
    let last = afterSeq;
    if (last === null) {
      const newest = await ctx.em.fork().findOne(BlocklistAlert, {}, { orderBy: { seq: 'desc' }, fields: ['seq'] });
      last = newest?.seq ?? '0';
    }
    const readNew = async function* (): AsyncGenerator<BlocklistAlert> {
      for (;;) {
        const rows = await ctx.em.fork({ clear: true }).find(BlocklistAlert, alertWhere(filter, last!), { orderBy: { seq: 'asc' }, limit: PAGE });
        for (const r of rows) {
          last = r.seq;
          ctx.renew();
          yield r;
        }
        if (rows.length < PAGE) return;
      }
    };
    yield* readNew();
    for await (const m of { [Symbol.asyncIterator]: () => wake }) {
      if ((m as { accountId?: unknown } | null)?.accountId !== accountId) continue;
      yield* readNew();
    }
  } finally {
    await wake.return?.();
  }
}
