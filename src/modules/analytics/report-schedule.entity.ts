import { ArrayType, Entity, Enum, Filter, Index, ManyToOne, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { accountRows, scopeFilter } from '../../db/scope-filter';
import { Account } from '../accounts/account.entity';
import type { StoredPrincipal } from '../sending/principal-refresh';
import { Report } from './report.entity';

/** How often a scheduled report is mailed. */
export enum ReportCadence {
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
  MONTHLY = 'MONTHLY',
}
registerEnumType(ReportCadence, {
  name: 'ReportCadence',
  description: 'How often a report is mailed: at the start of each day, week (Monday) or month of its timezone.',
  valuesConfig: {
    DAILY: { description: "At the start of each day of the report's timezone." },
    WEEKLY: { description: "At the start of each week (Monday) of the report's timezone." },
    MONTHLY: { description: "At the start of each month of the report's timezone." },
  },
});

/**
 * A report mailed on a schedule: a link to its CSV export goes to the recipients at the start of each
 * day, week or month of the report's timezone. It acts as the principal that made it, with that
 * principal's access as it is when it runs (a revoked token or narrowed scope mails less or nothing).
 */
@Entity({ tableName: 'report_schedules' })
@Unique({ properties: ['report', 'principalKey'] })
@Index({ properties: ['nextRunAt'] })
@Filter(scopeFilter((s) => accountRows(s, { principalKey: s.principalKey })))
@ObjectType({ description: 'A report mailed on a schedule.' })
export class ReportSchedule extends BaseEntity {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @ManyToOne(() => Report, { ref: true, deleteRule: 'cascade' })
  report!: Ref<Report>;

  /** The token or membership that scheduled it. */
  @Property({ type: 'text' })
  principalKey!: string;

  /** That principal, to rebuild with its access when the schedule runs. */
  @Property({ type: 'json' })
  principal!: StoredPrincipal;

  @Field(() => ReportCadence, { description: 'How often.' })
  @Enum({ items: () => ReportCadence, type: 'text' })
  cadence!: ReportCadence;

  @Field(() => [String], { description: 'Who gets it.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  recipients!: string[];

  @Field(() => Date, { description: 'When it is mailed next.' })
  @Property({ type: 'timestamptz' })
  nextRunAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was last mailed.' })
  @Property({ type: 'timestamptz', nullable: true })
  lastSentAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Why the last run mailed nothing (the maker lost access to the report).' })
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;
}
