import { ArrayMaxSize } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { badInput } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { parseEmailAddress } from '../mail/address';
import { storePrincipal } from '../sending/principal-refresh';
import { nextPeriodStart } from './analytics.queries';
import { ReportCadence, ReportSchedule } from './report-schedule.entity';
import { getReport } from './reports.service';

/** At most this many recipients per schedule. */
export const MAX_RECIPIENTS = 20;
/** The period each cadence starts. */
export const CADENCE_UNIT: Record<ReportCadence, 'day' | 'week' | 'month'> = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month' };

/** Input of scheduleReport. */
@InputType({ description: 'Mail a saved report on a schedule.' })
export class ScheduleReportInput {
  @Field(() => ID, { description: 'The report.' })
  reportId!: string;

  @Field(() => ReportCadence, { description: 'How often.' })
  cadence!: ReportCadence;

  @Field(() => [String], { description: `Who gets it (1–${MAX_RECIPIENTS} addresses); an empty list stops the schedule.` })
  @ArrayMaxSize(MAX_RECIPIENTS)
  recipients!: string[];
}

/** Payload of scheduleReport. */
@ObjectType({ description: 'The schedule (null when it was stopped).' })
export class ScheduleReportPayload {
  @Field(() => ReportSchedule, { nullable: true, description: 'The schedule.' })
  schedule!: ReportSchedule | null;
}

/**
 * Schedules (or reschedules, or with no recipients stops) the mailing of a report the caller sees
 * (ANALYTICS_READ): the caller's own schedule of it, run as the caller. Writes one row.
 */
export async function scheduleReport(ctx: Context, input: ScheduleReportInput): Promise<ReportSchedule | null> {
  const scope = requirePermission(ctx, Permission.ANALYTICS_READ);
  const report = await getReport(ctx, input.reportId);
  if (input.recipients.length > MAX_RECIPIENTS) throw badInput('input.recipients', `at most ${MAX_RECIPIENTS} recipients`);
  const recipients = [
    ...new Set(
      input.recipients.map((r) => {
        const parsed = parseEmailAddress(r);
        if (!parsed.ok) throw badInput('input.recipients', 'every recipient must be an e-mail address');
        return parsed.email;
      }),
    ),
  ];
  const existing = await ctx.em.findOne(ReportSchedule, { report: report.id, principalKey: scope.principalKey });
  if (!recipients.length) {
    if (existing) {
      ctx.em.remove(existing);
      await ctx.em.flush();
    }
    return null;
  }
  const nextRunAt = await nextPeriodStart(ctx.em, ctx.deps.clock.now(), CADENCE_UNIT[input.cadence], report.timezone);
  const schedule =
    existing ??
    ctx.em.create(ReportSchedule, {
      account: scope.accountId,
      report: report.id,
      principalKey: scope.principalKey,
      principal: storePrincipal(ctx.principal)!,
      cadence: input.cadence,
      recipients,
      nextRunAt,
    });
  schedule.cadence = input.cadence;
  schedule.recipients = recipients;
  schedule.nextRunAt = nextRunAt;
  schedule.lastError = null;
  await ctx.em.flush();
  return schedule;
}

/** A schedule's report as a global id. Pure. */
export function scheduleReportId(s: ReportSchedule): string {
  return toGlobalId('Report', s.report.id);
}
