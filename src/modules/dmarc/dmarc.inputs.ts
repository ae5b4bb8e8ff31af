import { Field, ID, InputType } from 'type-graphql';
import { DmarcPolicy } from './dmarc.enums';

/** Input of createDmarcMonitor. */
@InputType({ description: 'What to monitor.' })
export class CreateDmarcMonitorInput {
  @Field(() => ID, { description: 'The sending domain (one monitor per domain).' })
  domainId!: string;

  @Field(() => DmarcPolicy, { nullable: true, defaultValue: DmarcPolicy.NONE, description: 'The policy the domain should publish (default NONE: monitor only).' })
  wantedPolicy?: DmarcPolicy | null;
}

/** Input of updateDmarcMonitor. */
@InputType({ description: 'What to change.' })
export class UpdateDmarcMonitorInput {
  @Field(() => ID, { description: 'The monitor.' })
  id!: string;

  @Field(() => DmarcPolicy, { nullable: true, description: 'The policy the domain should publish.' })
  wantedPolicy?: DmarcPolicy | null;
}

/** Input of deleteDmarcMonitor and checkDmarcMonitor. */
@InputType({ description: 'Which monitor.' })
export class DmarcMonitorIdInput {
  @Field(() => ID, { description: 'The monitor.' })
  id!: string;
}

/** Input of uploadDmarcReport. */
@InputType({ description: 'A report file to file under a monitor.' })
export class UploadDmarcReportInput {
  @Field(() => ID, { description: 'The monitor.' })
  monitorId!: string;

  @Field(() => String, { description: 'The file name (kept with the report; the format is taken from the content: .xml, .xml.gz or .zip).' })
  filename!: string;

  @Field(() => String, { description: 'The file, base64-encoded.' })
  contentBase64!: string;
}

/** Filter of dmarcMonitors. */
@InputType({ description: 'Which monitors.' })
export class DmarcMonitorFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Only monitors of these domains.' })
  domainIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only monitors of this tenant’s domains.' })
  tenantId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only monitors whose record is (true) or is not (false) as wanted.' })
  recordValid?: boolean | null;
}
