import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { byIdLoader } from '../../graphql/loaders';
import { type Page, PageArgs } from '../../graphql/pagination';
import { Domain } from '../domains/domain.entity';
import { DmarcMonitor } from './dmarc-monitor.entity';
import { checkDmarcMonitor, createDmarcMonitor, deleteDmarcMonitor, getDmarcMonitor, listDmarcMonitors, updateDmarcMonitor } from './dmarc-monitor.service';
import { DmarcReport } from './dmarc-report.entity';
import { monitorReports, monitorReportSummary, uploadDmarcReport } from './dmarc-report.service';
import { CreateDmarcMonitorInput, DmarcMonitorFilterInput, DmarcMonitorIdInput, UpdateDmarcMonitorInput, UploadDmarcReportInput } from './dmarc.inputs';
import { DeleteDmarcMonitorPayload, DmarcMonitorConnection, DmarcMonitorPayload, DmarcReportConnection, DmarcReportSummary, UploadDmarcReportPayload } from './dmarc.types';

/** DMARC monitors: queries, mutations and the monitor's own fields. */
@Resolver(() => DmarcMonitor)
export class DmarcMonitorResolver {
  @Query(() => DmarcMonitorConnection, { description: 'DMARC monitors of the domains in your scope, oldest first. Needs DMARC_READ.' })
  dmarcMonitors(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => DmarcMonitorFilterInput, { nullable: true, description: 'Which monitors.' }) filter: DmarcMonitorFilterInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<DmarcMonitor>> {
    return listDmarcMonitors(ctx, args, filter);
  }

  @Query(() => DmarcMonitor, { description: 'One DMARC monitor. Needs DMARC_READ.' })
  dmarcMonitor(@Arg('id', () => ID, { description: 'Global id of the monitor.' }) id: string, @Ctx() ctx: Context): Promise<DmarcMonitor> {
    return getDmarcMonitor(ctx, id);
  }

  @Mutation(() => DmarcMonitorPayload, { description: 'Starts DMARC monitoring of a domain: a report address of its own, the record checked now. Needs DMARC_MANAGE.' })
  async createDmarcMonitor(@Arg('input', () => CreateDmarcMonitorInput) input: CreateDmarcMonitorInput, @Ctx() ctx: Context): Promise<DmarcMonitorPayload> {
    return { monitor: await createDmarcMonitor(ctx, input) };
  }

  @Mutation(() => DmarcMonitorPayload, { description: 'Changes a monitor’s wanted policy and checks its record again. Needs DMARC_MANAGE.' })
  async updateDmarcMonitor(@Arg('input', () => UpdateDmarcMonitorInput) input: UpdateDmarcMonitorInput, @Ctx() ctx: Context): Promise<DmarcMonitorPayload> {
    return { monitor: await updateDmarcMonitor(ctx, input) };
  }

  @Mutation(() => DmarcMonitorPayload, { description: 'Checks a monitor’s published DMARC record now. Needs DMARC_MANAGE.' })
  async checkDmarcMonitor(@Arg('input', () => DmarcMonitorIdInput) input: DmarcMonitorIdInput, @Ctx() ctx: Context): Promise<DmarcMonitorPayload> {
    return { monitor: await checkDmarcMonitor(ctx, input) };
  }

  @Mutation(() => DeleteDmarcMonitorPayload, { description: 'Stops DMARC monitoring: the monitor and its reports are deleted, its address refuses mail. Needs DMARC_MANAGE.' })
  async deleteDmarcMonitor(@Arg('input', () => DmarcMonitorIdInput) input: DmarcMonitorIdInput, @Ctx() ctx: Context): Promise<DeleteDmarcMonitorPayload> {
    return { deletedId: await deleteDmarcMonitor(ctx, input) };
  }

  @Mutation(() => UploadDmarcReportPayload, { description: 'Files a DMARC aggregate report (.xml, .xml.gz or .zip, base64) under a monitor; a duplicate changes nothing. Needs DMARC_MANAGE.' })
  uploadDmarcReport(@Arg('input', () => UploadDmarcReportInput) input: UploadDmarcReportInput, @Ctx() ctx: Context): Promise<UploadDmarcReportPayload> {
    return uploadDmarcReport(ctx, input);
  }

  @FieldResolver(() => String, { description: 'The address receivers send reports to (the rua of wantedRecord): on the platform’s inbound host, unguessable, this monitor’s alone.' })
  ruaAddress(@Root() m: DmarcMonitor, @Ctx() ctx: Context): string {
    return m.ruaAddress(ctx.config.mailDomain);
  }

  @FieldResolver(() => String, { description: 'The record to publish at `_dmarc.<domain>`: the wanted policy and the report address.' })
  wantedRecord(@Root() m: DmarcMonitor, @Ctx() ctx: Context): string {
    return m.wantedRecord(ctx.config.mailDomain);
  }

  @FieldResolver(() => Domain, { nullable: true, description: 'The monitored domain (null when outside your scope).' })
  domain(@Root() m: DmarcMonitor, @Ctx() ctx: Context): Promise<Domain | null> {
    return byIdLoader(ctx, Domain).load(m.domain.id);
  }

  @FieldResolver(() => DmarcReportConnection, { description: 'The reports received, oldest first. Needs DMARC_READ.' })
  reports(@Root() m: DmarcMonitor, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<DmarcReport>> {
    return monitorReports(ctx, m, args);
  }

  @FieldResolver(() => DmarcReportSummary, {
    description: 'What the reports whose period begins in [from, to) say: per source IP, per reporter, unauthorised senders, the policy step. Needs DMARC_READ.',
  })
  report(
    @Root() m: DmarcMonitor,
    @Arg('from', () => Date, { description: 'Start of the range.' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the range (exclusive; at most 366 days after from).' }) to: Date,
    @Arg('first', () => Int, { nullable: true, description: 'How many source IPs to list, busiest first (1–1000, default 100).' }) first: number | null,
    @Ctx() ctx: Context,
  ): Promise<DmarcReportSummary> {
    return monitorReportSummary(ctx, m, from, to, first);
  }
}

/** The report's own fields. */
@Resolver(() => DmarcReport)
export class DmarcReportResolver {
  @FieldResolver(() => DmarcMonitor, { nullable: true, description: 'The monitor it was filed under.' })
  monitor(@Root() r: DmarcReport, @Ctx() ctx: Context): Promise<DmarcMonitor | null> {
    return byIdLoader(ctx, DmarcMonitor).load(r.monitor.id);
  }
}
