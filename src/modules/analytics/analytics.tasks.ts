import { LockMode } from '@mikro-orm/core';
import type { TaskList } from 'graphile-worker';
import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import { SystemEmailKind } from '../mail/system-email.entity';
import { sendSystemEmail } from '../mail/system-mail.service';
import type { TaskDeps } from '../module';
import { createAnalyticsExportToken } from './analytics-export';
import { exportFor } from './analytics-export.route';
import { AnalyticsExportFormat } from './analytics-export.types';
import { nextPeriodStart } from './analytics.queries';
import { ReportSchedule } from './report-schedule.entity';
import { CADENCE_UNIT } from './report-schedules.service';

/** The recurring job that queues the mailing of every schedule that is due. */
export const DUE_SCHEDULES_TASK = 'analytics-due-report-schedules';
/** The job that mails one schedule's report. */
export const MAIL_REPORT_TASK = 'analytics-mail-report';
/** How long a mailed report link works. */
export const MAILED_LINK_DAYS = 7;

/**
 * Queues a mail job for each due schedule and moves its next run to the next period start, in one
 * transaction (schedules locked `for update skip locked`), so each period is mailed once. Writes.
 */
export async function queueDueSchedules(td: TaskDeps): Promise<number> {
  return systemEm(td.orm).transactional(async (em) => {
    const now = td.deps.clock.now();
    const due = await em.find(ReportSchedule, { nextRunAt: { $lte: now } }, { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit: 500, populate: ['report'] });
    for (const s of due) {
      await td.deps.queue.add(em, MAIL_REPORT_TASK, { scheduleId: s.id }, { jobKey: `${MAIL_REPORT_TASK}:${s.id}:${s.nextRunAt.toISOString()}` });
      s.nextRunAt = await nextPeriodStart(em, now, CADENCE_UNIT[s.cadence], s.report.getEntity().timezone);
    }
    await em.flush();
    return due.length;
  });
}

/**
 * Mails one schedule: a signed link (valid MAILED_LINK_DAYS) to the report's CSV to each recipient,
 * through the system mail outbox (the link's secret redacted from the stored copy). The schedule's
 * principal is read again first: without access to the report now, nothing is mailed and lastError says why. Mail, writes.
 */
export async function mailSchedule(td: TaskDeps, scheduleId: string): Promise<void> {
  const em = systemEm(td.orm);
  const s = await em.findOne(ReportSchedule, { id: scheduleId }, { populate: ['report'] });
  if (!s) return;
  const report = s.report.getEntity();
  const now = td.deps.clock.now();
  const access = await exportFor(td.orm, td.deps.clock, s.principal, s.account.id, { reportId: report.id, filter: null, groupBy: null, timezone: null });
  if (!access) {
    s.lastError = 'The principal that scheduled this report can no longer read it';
    await em.flush();
    return;
  }
  const expiresAt = new Date(Math.floor((now.getTime() + MAILED_LINK_DAYS * 86_400_000) / 1000) * 1000);
  const token = createAnalyticsExportToken(td.config.secret, {
    accountId: s.account.id,
    principal: s.principal,
    reportId: report.id,
    filter: null,
    groupBy: null,
    timezone: null,
    format: AnalyticsExportFormat.CSV,
    expiresAt,
  });
  const url = `${td.config.publicUrl}/analytics/export/${token}`;
  for (const to of s.recipients) {
    await sendSystemEmail(em, td.deps, td.config, {
      accountId: s.account.id,
      kind: SystemEmailKind.ANALYTICS_REPORT,
      to,
      subject: `Report: ${report.name}`,
      text: `Your ${s.cadence.toLowerCase()} report "${report.name}" (${report.timezone}) is ready as a CSV:\n\n${url}\n\nThe link works until ${expiresAt.toISOString()}.\n`,
      tenantId: report.ownerScope.tenantIds.length === 1 ? report.ownerScope.tenantIds[0] : null,
      secrets: [token],
    });
  }
  s.lastSentAt = now;
  s.lastError = null;
  await em.flush();
}

/** The analytics module's jobs: finding due report schedules (every 10 minutes) and mailing one. */
export function analyticsTasks(td: TaskDeps): TaskList {
  return {
    [DUE_SCHEDULES_TASK]: async () => {
      await queueDueSchedules(td);
    },
    [MAIL_REPORT_TASK]: async (payload) => {
      const id = (payload as { scheduleId?: unknown } | null)?.scheduleId;
      if (typeof id === 'string' && isUuid(id)) await mailSchedule(td, id);
    },
  };
}

/** The crontab line of the due-schedules job. */
export const ANALYTICS_CRONTAB = [`*/10 * * * * ${DUE_SCHEDULES_TASK}`];
