import { Field, InputType, registerEnumType } from 'type-graphql';
import { ActivityFilterInput } from '../activity/activity-filter';

/** File formats of an activity export. */
export enum ActivityExportFormat {
  CSV = 'CSV',
  JSON = 'JSON',
}
registerEnumType(ActivityExportFormat, {
  name: 'ActivityExportFormat',
  description: 'CSV (a header row, then one row per event) or JSON (one array of event objects).',
  valuesConfig: { CSV: { description: 'Comma-separated values: a header row, then one row per event.' }, JSON: { description: 'One JSON array of event objects.' } },
});

/** Input of exportActivity. */
@InputType({ description: 'Which events to export, and as what.' })
export class ExportActivityInput {
  @Field(() => ActivityFilterInput, { nullable: true, description: 'Which events (as the activity query takes it; your scope always applies).' })
  filter?: ActivityFilterInput | null;

  @Field(() => ActivityExportFormat, { description: 'The file format.' })
  format!: ActivityExportFormat;
}
