import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { Report } from './report.entity';

/** A page of reports. */
export const ReportConnection = Connection(Report, 'Report');

/** A report's filter as saved. */
@ObjectType({ description: 'What a report counts.' })
export class ReportFilter {
  @Field(() => Date, { nullable: true, description: 'Start of its absolute range.' }) from!: Date | null;
  @Field(() => Date, { nullable: true, description: 'End of its absolute range.' }) to!: Date | null;
  @Field(() => Int, { nullable: true, description: 'Its relative range: the last N days.' }) lastDays!: number | null;
  @Field(() => [ID], { nullable: true, description: 'Only these tenants.' }) tenantIds!: string[] | null;
  @Field(() => [ID], { nullable: true, description: 'Only these domains.' }) domainIds!: string[] | null;
  @Field(() => [ID], { nullable: true, description: 'Only these sender identities.' }) senderIdentityIds!: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Only these tags.' }) tags!: string[] | null;
  @Field(() => [ID], { nullable: true, description: 'Only these templates.' }) templateIds!: string[] | null;
}

/** Payload of createReport. */
@ObjectType({ description: 'The new report.' })
export class CreateReportPayload {
  @Field(() => Report, { description: 'The report.' }) report!: Report;
}

/** Payload of updateReport. */
@ObjectType({ description: 'The changed report.' })
export class UpdateReportPayload {
  @Field(() => Report, { description: 'The report.' }) report!: Report;
}

/** Payload of deleteReport. */
@ObjectType({ description: 'The deleted report’s id.' })
export class DeleteReportPayload {
  @Field(() => ID, { description: 'Global id of the deleted report.' }) deletedId!: string;
}
