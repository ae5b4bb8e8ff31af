import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { systemEm } from '../../context';
import { uuidv7 } from '../../lib/ids';
import type { TaskDeps } from '../module';
import { expandAddress } from './address';
import { BlocklistCheck } from './blocklist-check.entity';
import { BlocklistHit } from './blocklist-hit.entity';
import { BlocklistMonitor } from './blocklist-monitor.entity';
import { recordAlerts } from './blocklist-alerts';
import type { NewAlert } from './blocklist-alerts.queries';
import { BlocklistAlertKind, BlocklistZoneKind, BlocklistZoneStatus } from './blocklist.enums';
import { scheduleCheck } from './blocklist-schedule';
import { type Listing, type RoundOutcome, runRound } from './lookup';
import { announceProgress } from './blocklist-progress';

const key = (address: string, zone: string) => `${address}\u0000${zone}`;

/** How long a monitor's check history is kept. */
export const CHECK_HISTORY_DAYS = 90;

/**
 * Checks one monitor now (the check job): marks it running, runs a round over its addresses and the
 * configured zones (progress written and announced as it goes), then applies the outcome and schedules the next
 * check. A missing monitor (deleted meanwhile) is no error. Side effects: DNS, writes, jobs, alerts.
 */
export async function runMonitorCheck(td: TaskDeps, monitorId: string): Promise<void> {
  const em = systemEm(td.orm);
  const monitor = await em.findOne(BlocklistMonitor, { id: monitorId });
  if (!monitor) return;
  const startedAt = td.deps.clock.now();
  await em.nativeUpdate(BlocklistMonitor, { id: monitorId }, { checkStartedAt: startedAt, progressDone: 0, progressTotal: 0 });
  let progress: Promise<unknown> = Promise.resolve();
  try {
    const round = await runRound({
      dns: td.deps.dns,
      zones: td.config.blocklistZones,
      targets: expandAddress({ kind: monitor.addressKind, address: monitor.address }),
      timeoutMs: td.config.blocklistLookupTimeoutMs,
      concurrency: td.config.blocklistLookupConcurrency,
      onProgress: (done, total) => {
        progress = progress
          .then(() => em.nativeUpdate(BlocklistMonitor, { id: monitorId }, { progressDone: done, progressTotal: total }))
          .then(() => announceProgress(td.deps.bus, monitor.account.id, monitorId))
          .catch(() => undefined);
      },
    });
    await progress;
    await systemEm(td.orm).transactional((tx) => applyRound(td, tx, monitorId, round, startedAt));
  } catch (err) {
    await progress;
    await em.nativeUpdate(BlocklistMonitor, { id: monitorId }, { checkStartedAt: null, progressDone: 0, progressTotal: 0 });
    throw err;
  } finally {
    announceProgress(td.deps.bus, monitor.account.id, monitorId);
  }
}

/**
 * Applies a round to a monitor, the row locked so overlapping checks apply one after the other: a
 * listing a healthy zone newly reports becomes a hit and a LISTED alert; a hit a healthy zone no longer
 * reports is removed with a DELISTED alert; hits of unhealthy zones stay as they were (unknown); a zone
 * that turned unhealthy raises one ZONE_UNHEALTHY alert. Records the check (history kept CHECK_HISTORY_DAYS)
 * and schedules the next one.
 */
async function applyRound(td: TaskDeps, em: EntityManager, monitorId: string, round: RoundOutcome, startedAt: Date): Promise<void> {
  const m = await em.findOne(BlocklistMonitor, { id: monitorId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!m) return;
  const now = td.deps.clock.now();
  const owners = { account: m.account.id, tenant: m.tenant?.id ?? null, domain: m.domain?.id ?? null, monitor: m.id };
  const alertBase = { accountId: owners.account, tenantId: owners.tenant, domainId: owners.domain, monitorId: m.id, occurredAt: now };
  const healthy = new Set(round.zones.filter((z) => z.healthy).map((z) => z.zone));
  const zonesOfRound = new Set(round.zones.map((z) => z.zone));
  const configured = new Set(td.config.blocklistZones.map((z) => z.zone));
  const seen = new Map<string, Listing>(round.zones.flatMap((z) => z.listings.map((l) => [key(l.address, l.zone), l] as const)));
  const alerts: NewAlert[] = [];
  const hits = await em.find(BlocklistHit, { monitor: m.id });
  for (const hit of hits) {
    const listing = seen.get(key(hit.address, hit.zone));
    if (listing) {
      Object.assign(hit, { returnCodes: listing.returnCodes, reason: listing.reason, lastSeenAt: now });
      seen.delete(key(hit.address, hit.zone));
    } else if (healthy.has(hit.zone) || !configured.has(hit.zone)) {
      em.remove(hit);
      if (zonesOfRound.has(hit.zone))
        alerts.push({ ...alertBase, id: uuidv7(), kind: BlocklistAlertKind.DELISTED, address: hit.address, zone: hit.zone, returnCodes: hit.returnCodes, reason: hit.reason });
    }
  }
  for (const l of seen.values()) {
    em.create(BlocklistHit, { ...owners, address: l.address, zone: l.zone, returnCodes: l.returnCodes, reason: l.reason, firstSeenAt: now, lastSeenAt: now });
    alerts.push({ ...alertBase, id: uuidv7(), kind: BlocklistAlertKind.LISTED, address: l.address, zone: l.zone, returnCodes: l.returnCodes, reason: l.reason });
  }
  const unhealthy = round.zones.filter((z) => !z.healthy);
  for (const z of unhealthy.filter((u) => !m.unhealthyZones.includes(u.zone))) {
    alerts.push({ ...alertBase, id: uuidv7(), kind: BlocklistAlertKind.ZONE_UNHEALTHY, address: m.address, zone: z.zone, returnCodes: [], reason: z.error });
  }
  em.create(BlocklistCheck, {
    ...owners,
    startedAt,
    finishedAt: now,
    addressesChecked: round.targets.length,
    zonesChecked: healthy.size,
    zones: round.zones.map((z) => ({
      zone: z.zone,
      kind: z.kind === 'ip' ? BlocklistZoneKind.IP : BlocklistZoneKind.DOMAIN,
      status: z.healthy ? BlocklistZoneStatus.HEALTHY : BlocklistZoneStatus.UNHEALTHY,
      error: z.error,
      listings: z.listings.length,
    })),
    hits: round.zones.flatMap((z) => z.listings.map((l) => ({ address: l.address, zone: l.zone, returnCodes: l.returnCodes, reason: l.reason }))),
    errors: unhealthy.map((z) => `${z.zone}: ${z.error}`),
  });
  await em.flush();
  await em.nativeDelete(BlocklistCheck, { monitor: m.id, finishedAt: { $lt: new Date(now.getTime() - CHECK_HISTORY_DAYS * 86_400_000) } });
  const remaining = await em.count(BlocklistHit, { monitor: m.id });
  Object.assign(m, { listed: remaining > 0, lastCheckedAt: now, zonesChecked: healthy.size, unhealthyZones: unhealthy.map((z) => z.zone), checkStartedAt: null, progressDone: 0, progressTotal: 0 });
  m.nextCheckAt = new Date(now.getTime() + m.intervalMinutes * 60_000);
  await em.flush();
  await scheduleCheck(td.deps.queue, em, m.id, m.nextCheckAt);
  await recordAlerts(em, td.deps.queue, alerts, { webhooks: m.webhookEnabled, notifyEmails: m.notifyEmails });
}
