import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { AnalyticsFilterInput, AnalyticsInterval } from './analytics.inputs';

/** File formats of an analytics export. */
export enum AnalyticsExportFormat {
  CSV = 'CSV',
  JSON = 'JSON',
}
registerEnumType(AnalyticsExportFormat, {
  name: 'AnalyticsExportFormat',
  description: 'CSV (a header row, one row per interval) or JSON.',
  valuesConfig: { CSV: { description: 'Comma-separated values: a header row, then one row per interval.' }, JSON: { description: 'One JSON document with the totals and the series.' } },
});

/** Input of exportAnalytics: a saved report, or a filter. */
@InputType({ description: 'What to export: a saved report (its definition and owner scope) or a filter; one of the two.' })
export class ExportAnalyticsInput {
  @Field(() => ID, { nullable: true, description: 'A saved report to export.' })
  reportId?: string | null;

  @Field(() => AnalyticsFilterInput, { nullable: true, description: 'A filter to export (when no reportId).' })
  filter?: AnalyticsFilterInput | null;

  @Field(() => AnalyticsInterval, { nullable: true, description: 'Series interval (default: the report’s, or DAY).' })
  groupBy?: AnalyticsInterval | null;

  @Field(() => String, { nullable: true, description: 'IANA timezone (default: the report’s, or UTC).' })
  timezone?: string | null;

  @Field(() => AnalyticsExportFormat, { description: 'File format.' })
  format!: AnalyticsExportFormat;
}

/** Payload of exportAnalytics. */
@ObjectType({ description: 'A signed download link to the export.' })
export class ExportAnalyticsPayload {
  @Field(() => String, { description: 'The link: it works until expiresAt, and only ever shows what you may read when it is followed.' })
  url!: string;

  @Field(() => Date, { description: 'When the link stops working.' })
  expiresAt!: Date;
}
