import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { DmarcMonitor } from './dmarc-monitor.entity';
import { DmarcReport } from './dmarc-report.entity';
import { DmarcDisposition, DmarcPolicy } from './dmarc.enums';

/** A page of monitors. */
export const DmarcMonitorConnection = Connection(DmarcMonitor, 'DmarcMonitor');

/** A page of reports. */
export const DmarcReportConnection = Connection(DmarcReport, 'DmarcReport');

/** Payload of createDmarcMonitor, updateDmarcMonitor and checkDmarcMonitor. */
@ObjectType({ description: 'The monitor.' })
export class DmarcMonitorPayload {
  @Field(() => DmarcMonitor, { description: 'The monitor, with its record checked just now.' })
  monitor!: DmarcMonitor;
}

/** Payload of deleteDmarcMonitor. */
@ObjectType({ description: 'The deleted monitor’s id.' })
export class DeleteDmarcMonitorPayload {
  @Field(() => ID, { description: 'Global id of the deleted monitor (its reports went with it).' })
  deletedId!: string;
}

/** Payload of uploadDmarcReport. */
@ObjectType({ description: 'The report filed.' })
export class UploadDmarcReportPayload {
  @Field(() => DmarcReport, { description: 'The stored report (the one stored before, for a duplicate).' })
  report!: DmarcReport;

  @Field(() => Boolean, { description: 'True when this report (same reporter and report id) was already stored: nothing changed.' })
  duplicate!: boolean;
}

/** One source IP of a report range. */
@ObjectType({ description: 'The messages of one source IP over the range, by result.' })
export class DmarcSource {
  @Field(() => String, { description: 'The source IP address.' })
  ip!: string;

  @Field(() => Int, { description: 'Messages.' })
  count!: number;

  @Field(() => Int, { description: 'Messages passing DMARC (aligned DKIM or SPF).' })
  dmarcPass!: number;

  @Field(() => Int, { description: 'Messages failing DMARC (neither aligned).' })
  dmarcFail!: number;

  @Field(() => Int, { description: 'Messages with aligned SPF.' })
  spfPass!: number;

  @Field(() => Int, { description: 'Messages without aligned SPF.' })
  spfFail!: number;

  @Field(() => Int, { description: 'Messages with aligned DKIM.' })
  dkimPass!: number;

  @Field(() => Int, { description: 'Messages without aligned DKIM.' })
  dkimFail!: number;

  @Field(() => DmarcDisposition, { description: 'What receivers did with most of its messages.' })
  disposition!: DmarcDisposition;

  @Field(() => String, { nullable: true, description: 'ISO country code of the address (offline GeoIP), null when unknown.' })
  country!: string | null;

  @Field(() => String, { nullable: true, description: 'The address’s reverse DNS name; looked up for the busiest sources only, with a short timeout: null when not known.' })
  reverseDns!: string | null;
}

/** One reporter of a report range. */
@ObjectType({ description: 'A receiver that sent reports over the range.' })
export class DmarcReporter {
  @Field(() => String, { description: 'The reporting organisation.' })
  orgName!: string;

  @Field(() => String, { description: 'The reporter’s contact address.' })
  email!: string;

  @Field(() => Int, { description: 'Reports it sent.' })
  reports!: number;

  @Field(() => Int, { description: 'Messages its reports cover.' })
  count!: number;
}

/** The policy step the last 30 days support. */
@ObjectType({ description: 'The next policy step: up one (NONE → QUARANTINE → REJECT) when the last 30 days pass DMARC at 98 % or more.' })
export class DmarcRecommendation {
  @Field(() => DmarcPolicy, { description: 'The policy now: the one published (from the last record check); NONE when no record was found.' })
  currentPolicy!: DmarcPolicy;

  @Field(() => DmarcPolicy, { description: 'The recommended policy.' })
  policy!: DmarcPolicy;

  @Field(() => Int, { description: 'Messages reported in the last 30 days.' })
  messages!: number;

  @Field(() => Float, { nullable: true, description: 'Share of them passing DMARC (0–1); null with no messages.' })
  alignedRate!: number | null;

  @Field(() => String, { description: 'Why, in words.' })
  reason!: string;
}

/** The aggregate of a monitor's reports over a range. */
@ObjectType({ description: 'What a monitor’s reports say over a range: per source IP, per reporter, the unauthorised senders and the policy step.' })
export class DmarcReportSummary {
  @Field(() => Date, { description: 'Start of the range (reports whose period begins in it).' })
  from!: Date;

  @Field(() => Date, { description: 'End of the range (exclusive).' })
  to!: Date;

  @Field(() => Int, { description: 'Messages over the range.' })
  messages!: number;

  @Field(() => Int, { description: 'How many source IPs there are (rows lists the busiest).' })
  sourceCount!: number;

  @Field(() => [DmarcSource], { description: 'Per source IP, busiest first.' })
  rows!: DmarcSource[];

  @Field(() => [DmarcReporter], { description: 'The receivers that reported, most messages first (at most 500).' })
  sources!: DmarcReporter[];

  @Field(() => [DmarcSource], { description: 'Sources whose messages all fail both SPF and DKIM alignment: likely spoofing or a sender not yet set up.' })
  unauthorizedSenders!: DmarcSource[];

  @Field(() => DmarcRecommendation, { description: 'The policy step the last 30 days (to now) support.' })
  recommendation!: DmarcRecommendation;
}

/** A monitor summary for a domain's health. */
export interface DmarcMonitorSummary {
  monitorId: string;
  recordValid: boolean;
  wantedPolicy: DmarcPolicy;
  currentPolicy: DmarcPolicy;
  lastCheckedAt: Date | null;
  messages30d: number;
  alignedRate30d: number | null;
  recommendedPolicy: DmarcPolicy;
}
