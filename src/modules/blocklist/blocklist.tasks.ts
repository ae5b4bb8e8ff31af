import type { TaskList } from 'graphile-worker';
import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import { SystemEmailKind } from '../mail/system-email.entity';
import { sendSystemEmail } from '../mail/system-mail.service';
import type { TaskDeps } from '../module';
import { BlocklistAlert } from './blocklist-alert.entity';
import type { AlertMailPayload } from './blocklist-alerts';
import { runMonitorCheck } from './blocklist-check.task';
import { BlocklistMonitor } from './blocklist-monitor.entity';
import { ALERT_MAIL_TASK, CHECK_TASK, checkJobKey, DUE_TASK } from './blocklist-schedule';
import { BlocklistAlertKind } from './blocklist.enums';

/** A check overdue by this much has lost its job (or its process): it is queued again. */
const OVERDUE_MS = 10 * 60_000;
/** A check marked running this long ago is taken for dead. */
const STALE_RUN_MS = 60 * 60_000;

/**
 * Queues the checks of monitors well past their time whose job is gone (a queue restored from a backup,
 * a job that failed its attempts), keeping any job still queued. Side effect: jobs.
 */
export async function queueOverdueChecks(td: TaskDeps): Promise<number> {
  return systemEm(td.orm).transactional(async (em) => {
    const now = td.deps.clock.now().getTime();
    const due = await em.find(
      BlocklistMonitor,
      { nextCheckAt: { $lt: new Date(now - OVERDUE_MS) }, $or: [{ checkStartedAt: null }, { checkStartedAt: { $lt: new Date(now - STALE_RUN_MS) } }] },
      { fields: ['id'], limit: 1000 },
    );
    await td.deps.queue.addMany(
      em,
      due.map((m) => ({ task: CHECK_TASK, payload: { monitorId: m.id }, opts: { jobKey: checkJobKey(m.id), jobKeyMode: 'preserve_run_at' as const, maxAttempts: 3 } })),
    );
    return due.length;
  });
}

/** The subject and first line of an alert's e-mail, by kind. Pure. */
function alertWords(a: BlocklistAlert): { subject: string; first: string } {
  if (a.kind === BlocklistAlertKind.LISTED) return { subject: `Blocklist: ${a.address} is listed on ${a.zone}`, first: `${a.address} was found on the blocklist ${a.zone}.` };
  if (a.kind === BlocklistAlertKind.DELISTED) return { subject: `Blocklist: ${a.address} is no longer listed on ${a.zone}`, first: `${a.address} is no longer listed on ${a.zone}.` };
  return {
    subject: `Blocklist: the zone ${a.zone} cannot be trusted right now`,
    first: `The blocklist zone ${a.zone} failed its self-test or answered an error code: its answers about ${a.address} are not counted (neither listed nor clean) until it is healthy again.`,
  };
}

/** The text of an alert's e-mail. Pure. */
export function alertMail(alert: BlocklistAlert, monitor: BlocklistMonitor): { subject: string; text: string } {
  const { subject, first } = alertWords(alert);
  const lines = [
    first,
    '',
    `Monitor: ${monitor.name} (${monitor.address})`,
    `Return codes: ${alert.returnCodes.join(', ') || '-'}`,
    `Reason: ${alert.reason ?? '-'}`,
    `When: ${alert.occurredAt.toISOString()}`,
  ];
  return { subject, text: `${lines.join('\n')}\n` };
}

/** Mails one alert to one address through the system mail outbox (nothing when the alert or monitor is gone). Mail, write. */
export async function mailAlert(td: TaskDeps, payload: AlertMailPayload): Promise<void> {
  const em = systemEm(td.orm);
  const alert = await em.findOne(BlocklistAlert, { id: payload.alertId });
  const monitor = alert ? await em.findOne(BlocklistMonitor, { id: alert.monitor.id }) : null;
  if (!alert || !monitor) return;
  await sendSystemEmail(em, td.deps, td.config, {
    accountId: alert.account.id,
    kind: SystemEmailKind.BLOCKLIST_ALERT,
    to: payload.to,
    ...alertMail(alert, monitor),
    tenantId: alert.tenant?.id ?? null,
    secrets: [],
  });
}

/** The blocklist module's jobs: a monitor's check, an alert's e-mail, and the overdue sweep. */
export function blocklistTasks(td: TaskDeps): TaskList {
  return {
    [CHECK_TASK]: async (payload) => {
      const id = (payload as { monitorId?: unknown } | null)?.monitorId;
      if (typeof id === 'string' && isUuid(id)) await runMonitorCheck(td, id);
    },
    [ALERT_MAIL_TASK]: async (payload) => {
      const p = payload as Partial<AlertMailPayload> | null;
      if (typeof p?.alertId === 'string' && isUuid(p.alertId) && typeof p.to === 'string') await mailAlert(td, { alertId: p.alertId, to: p.to });
    },
    [DUE_TASK]: async () => {
      await queueOverdueChecks(td);
    },
  };
}
