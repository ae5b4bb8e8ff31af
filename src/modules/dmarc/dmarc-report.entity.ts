import { Entity, Enum, Filter, Index, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { ownedRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import type { PublishedPolicy } from './parse-report';
import { DmarcMonitor } from './dmarc-monitor.entity';
import { DmarcReportFormat, DmarcReportSource } from './dmarc.enums';

/** The policy a reporter found published, as the report states it. */
@ObjectType({ description: 'The DMARC policy the reporter found published (values as in the report, lower case).' })
export class DmarcPublishedPolicy {
  @Field(() => String, { description: 'The domain the policy is of.' })
  domain!: string;

  @Field(() => String, { description: 'p: the policy.' })
  p!: string;

  @Field(() => String, { nullable: true, description: 'sp: the policy for subdomains.' })
  sp!: string | null;

  @Field(() => String, { nullable: true, description: 'np: the policy for non-existent subdomains (RFC 9990).' })
  np!: string | null;

  @Field(() => String, { nullable: true, description: 'adkim: DKIM alignment, r or s.' })
  adkim!: string | null;

  @Field(() => String, { nullable: true, description: 'aspf: SPF alignment, r or s.' })
  aspf!: string | null;

  @Field(() => String, { nullable: true, description: 'pct: the percentage applied (RFC 7489).' })
  pct!: string | null;

  @Field(() => String, { nullable: true, description: 't / testing: testing mode (RFC 9990).' })
  testing!: string | null;
}

/**
 * One DMARC aggregate report received for a monitor, stored once per (reporter org, reporter e-mail,
 * report id); its rows are DmarcReportRecord. Scoped like the monitor's domain.
 */
@Entity({ tableName: 'dmarc_reports' })
@Unique({ name: 'dmarc_reports_monitor_reporter_report_unique', properties: ['monitor', 'orgName', 'email', 'reportId'] })
@Index({ name: 'dmarc_reports_account_id_monitor_id_begin_at_index', properties: ['account', 'monitor', 'beginAt'] })
@Filter(scopeFilter((s) => ownedRows(s, { domain: 'domain', tenant: 'tenant' }, false)))
@ObjectType({ implements: Node, description: 'A DMARC aggregate report a receiver sent about a monitored domain.' })
export class DmarcReport extends BaseEntity implements Node {
  get nodeType(): string {
    return 'DmarcReport';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  domain!: Ref<Domain>;

  @ManyToOne(() => DmarcMonitor, { ref: true, deleteRule: 'cascade' })
  monitor!: Ref<DmarcMonitor>;

  @Field(() => String, { description: 'The reporting organisation (may be empty: some reporters leave it out).' })
  @Property({ type: 'text' })
  orgName!: string;

  @Field(() => String, { description: 'The reporter’s contact address.' })
  @Property({ type: 'text' })
  email!: string;

  @Field(() => String, { description: 'The reporter’s id of the report.' })
  @Property({ type: 'text' })
  reportId!: string;

  @Field(() => Date, { description: 'Start of the period the report covers.' })
  @Property({ type: 'timestamptz' })
  beginAt!: Date;

  @Field(() => Date, { description: 'End of the period the report covers.' })
  @Property({ type: 'timestamptz' })
  endAt!: Date;

  @Field(() => DmarcReportFormat, { description: 'Which specification the report follows.' })
  @Enum({ items: () => DmarcReportFormat, type: 'text' })
  format!: DmarcReportFormat;

  @Field(() => DmarcReportSource, { description: 'How it arrived.' })
  @Enum({ items: () => DmarcReportSource, type: 'text' })
  source!: DmarcReportSource;

  @Field(() => String, { nullable: true, description: 'The file name it came in (the mail attachment’s or the upload’s); null for a report inline in a mail.' })
  @Property({ type: 'text', nullable: true })
  filename: string | null = null;

  @Field(() => DmarcPublishedPolicy, { description: 'The policy the reporter found published.' })
  @Property({ type: 'json' })
  policyPublished!: PublishedPolicy;

  @Field(() => Int, { description: 'Messages the report covers (the sum of its rows’ counts).' })
  @Property({ type: 'bigint', runtimeType: 'number' })
  messageCount!: number;

  @Field(() => Int, { description: 'How many rows (source IP and result combinations) it has.' })
  @Property({ type: 'integer' })
  recordCount!: number;

  get gid(): string {
    return toGlobalId('DmarcReport', this.id);
  }
}

/** One row of a report: the messages of one source IP with one set of results. Read by dmarc.queries.ts only. */
@Entity({ tableName: 'dmarc_report_records' })
@Index({ name: 'dmarc_report_records_account_id_monitor_id_begin_at_index', properties: ['account', 'monitor', 'beginAt'] })
@Index({ name: 'dmarc_report_records_report_id_index', properties: ['report'] })
@Filter(scopeFilter((s) => ownedRows(s, { domain: 'domain', tenant: 'tenant' }, false)))
export class DmarcReportRecord extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Tenant, { ref: true, nullable: true, deleteRule: 'cascade' })
  tenant: Ref<Tenant> | null = null;

  @ManyToOne(() => Domain, { ref: true, deleteRule: 'cascade' })
  domain!: Ref<Domain>;

  @ManyToOne(() => DmarcMonitor, { ref: true, deleteRule: 'cascade' })
  monitor!: Ref<DmarcMonitor>;

  @ManyToOne(() => DmarcReport, { ref: true, deleteRule: 'cascade' })
  report!: Ref<DmarcReport>;

  /** The report's begin, copied for range reads. */
  @Property({ type: 'timestamptz' })
  beginAt!: Date;

  @Property({ type: 'text' })
  sourceIp!: string;

  @Property({ type: 'integer' })
  count!: number;

  /** none, pass, quarantine or reject. */
  @Property({ type: 'text' })
  disposition!: string;

  @Property({ type: 'boolean' })
  dkimAligned!: boolean;

  @Property({ type: 'boolean' })
  spfAligned!: boolean;

  @Property({ type: 'text' })
  headerFrom!: string;

  @Property({ type: 'text', nullable: true })
  envelopeFrom: string | null = null;

  /** auth_results: `{ dkim: AuthResult[], spf: AuthResult[], reasons: string[] }`. */
  @Property({ type: 'json' })
  authResults!: Record<string, unknown>;
}
