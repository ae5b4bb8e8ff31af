import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { AnalyticsInterval } from './analytics.inputs';
import { ReportBreakdown } from './report.enums';

/** Limits of saved reports. */
export const REPORT_LIMITS = { name: 200, description: 1000, lastDays: 365 };

/** A report's filter: an absolute range (from, to) or a relative one (lastDays), and conditions. */
@InputType({
  description: 'What a report counts: either from and to, or lastDays (the last N local days, today included); and optional conditions. The scope of whoever creates the report always applies.',
})
export class ReportFilterInput {
  @Field(() => Date, { nullable: true, description: 'Start of an absolute range (with to).' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of an absolute range (with from), at most 366 days later.' })
  to?: Date | null;

  @Field(() => Int, { nullable: true, description: `A relative range: the last N days (1–${REPORT_LIMITS.lastDays}) in the report's timezone, today included, up to the current hour.` })
  lastDays?: number | null;

  @Field(() => [ID], { nullable: true, description: 'Only mail of these tenants.' })
  @IsOptional()
  @ArrayMaxSize(100)
  tenantIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only mail sent through these domains.' })
  @IsOptional()
  @ArrayMaxSize(100)
  domainIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only mail of these sender identities.' })
  @IsOptional()
  @ArrayMaxSize(100)
  senderIdentityIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Only mail with one of these tags (a message carrying several counts under each).' })
  @IsOptional()
  @ArrayMaxSize(50)
  tags?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only mail rendered from these templates.' })
  @IsOptional()
  @ArrayMaxSize(100)
  templateIds?: string[] | null;
}

/** Input of createReport. */
@InputType({ description: 'A new saved report.' })
export class CreateReportInput {
  @Field(() => String, { description: 'Its name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it is for.' })
  description?: string | null;

  @Field(() => ReportFilterInput, { description: 'What it counts.' })
  filter!: ReportFilterInput;

  @Field(() => AnalyticsInterval, { nullable: true, description: 'Series interval (default DAY).' })
  groupBy?: AnalyticsInterval | null;

  @Field(() => String, { nullable: true, description: 'IANA timezone (default UTC).' })
  timezone?: string | null;

  @Field(() => [ReportBreakdown], { nullable: true, description: 'Breakdowns to show and export (default none).' })
  @IsOptional()
  @ArrayMaxSize(20)
  breakdowns?: ReportBreakdown[] | null;
}

/** Input of updateReport: the fields given replace the report's. */
@InputType({ description: 'Changes to a saved report; fields left out stay.' })
export class UpdateReportInput {
  @Field(() => ID, { description: 'The report.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description.' })
  description?: string | null;

  @Field(() => ReportFilterInput, { nullable: true, description: 'New filter (replaces the whole filter).' })
  filter?: ReportFilterInput | null;

  @Field(() => AnalyticsInterval, { nullable: true, description: 'New series interval.' })
  groupBy?: AnalyticsInterval | null;

  @Field(() => String, { nullable: true, description: 'New timezone.' })
  timezone?: string | null;

  @Field(() => [ReportBreakdown], { nullable: true, description: 'New breakdowns.' })
  @IsOptional()
  @ArrayMaxSize(20)
  breakdowns?: ReportBreakdown[] | null;
}

/** Input of deleteReport. */
@InputType({ description: 'The report to delete.' })
export class DeleteReportInput {
  @Field(() => ID, { description: 'The report.' })
  id!: string;
}
