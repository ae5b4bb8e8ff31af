import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { type Page, PageArgs } from '../../graphql/pagination';
import { Analytics } from './analytics';
import { Report } from './report.entity';
import { CreateReportInput, DeleteReportInput, UpdateReportInput } from './report.inputs';
import { CreateReportPayload, DeleteReportPayload, ReportConnection, ReportFilter, UpdateReportPayload } from './report.types';
import { createReport, deleteReport, getReport, listReports, reportFilter, reportResult, updateReport } from './reports.service';
import { ReportSchedule } from './report-schedule.entity';
import { scheduleReport, scheduleReportId, ScheduleReportInput, ScheduleReportPayload } from './report-schedules.service';

/** Saved reports: queries, mutations and the report's filter and result. */
@Resolver(() => Report)
export class ReportResolver {
  @Query(() => ReportConnection, { description: 'Saved reports you made (account-wide principals: every report of the account), oldest first. Needs ANALYTICS_READ.' })
  reports(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<Report>> {
    return listReports(ctx, args);
  }

  @Query(() => Report, { description: 'One saved report. Needs ANALYTICS_READ.' })
  report(@Arg('id', () => ID, { description: 'Global id of the report.' }) id: string, @Ctx() ctx: Context): Promise<Report> {
    return getReport(ctx, id);
  }

  @Mutation(() => CreateReportPayload, { description: 'Saves a report. It counts only mail of your scope, whatever its filter and whoever reads it. Needs ANALYTICS_READ.' })
  async createReport(@Arg('input', () => CreateReportInput) input: CreateReportInput, @Ctx() ctx: Context): Promise<CreateReportPayload> {
    return { report: await createReport(ctx, input) };
  }

  @Mutation(() => UpdateReportPayload, { description: 'Changes a saved report (its owner scope stays). Needs ANALYTICS_READ.' })
  async updateReport(@Arg('input', () => UpdateReportInput) input: UpdateReportInput, @Ctx() ctx: Context): Promise<UpdateReportPayload> {
    return { report: await updateReport(ctx, input) };
  }

  @Mutation(() => DeleteReportPayload, { description: 'Deletes a saved report. Needs ANALYTICS_READ.' })
  async deleteReport(@Arg('input', () => DeleteReportInput) input: DeleteReportInput, @Ctx() ctx: Context): Promise<DeleteReportPayload> {
    return { deletedId: await deleteReport(ctx, input) };
  }

  @FieldResolver(() => ReportFilter, { description: 'What it counts.' })
  filter(@Root() r: Report): ReportFilter {
    return reportFilter(r);
  }

  @FieldResolver(() => Analytics, { description: 'Its analytics now (a relative range is computed at the time of reading).' })
  result(@Root() r: Report, @Ctx() ctx: Context): Promise<Analytics> {
    return reportResult(ctx, r);
  }
}

/** scheduleReport and the schedule's report id. */
@Resolver(() => ReportSchedule)
export class ReportScheduleResolver {
  @Mutation(() => ScheduleReportPayload, {
    description: 'Mails a link to the report’s CSV to the recipients at the start of each day, week or month of its timezone, as you (with your access when it runs). Needs ANALYTICS_READ.',
  })
  async scheduleReport(@Arg('input', () => ScheduleReportInput) input: ScheduleReportInput, @Ctx() ctx: Context): Promise<ScheduleReportPayload> {
    return { schedule: await scheduleReport(ctx, input) };
  }

  @FieldResolver(() => ID, { description: 'Global id of the report.' })
  reportId(@Root() s: ReportSchedule): string {
    return scheduleReportId(s);
  }
}
