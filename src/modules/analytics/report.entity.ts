import { ArrayType, Entity, Enum, Filter, Index, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import type { RowScope } from '../../auth/scope';
import { BaseEntity } from '../../db/base.entity';
import { accountRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { AnalyticsInterval } from './analytics.inputs';
import { ReportBreakdown } from './report.enums';

/** A saved report's filter as stored: an absolute range or the last N days, and the conditions (uuids, null: none). */
export interface StoredReportFilter {
  from: string | null;
  to: string | null;
  lastDays: number | null;
  tenantIds: string[] | null;
  domainIds: string[] | null;
  identityIds: string[] | null;
  templateIds: string[] | null;
  tags: string[] | null;
}

/**
 * A saved analytics definition. It belongs to the scope that made it: `ownerScope` (that principal's
 * row scope when it was created) bounds every count of the report in SQL, whoever reads it and whatever
 * its filter says. Visible to the principal that made it and to account-wide principals.
 */
@Entity({ tableName: 'reports' })
@Index({ properties: ['account', 'principalKey'] })
@Filter(scopeFilter((s) => accountRows(s, { principalKey: s.principalKey })))
@ObjectType({ implements: Node, description: 'A saved analytics report: a filter, a series interval, a timezone and the breakdowns to show.' })
export class Report extends BaseEntity implements Node {
  get nodeType(): string {
    return 'Report';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** The token or membership that made it. */
  @Property({ type: 'text' })
  principalKey!: string;

  @Field(() => String, { description: 'Its name.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What it is for.' })
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'json' })
  filter!: StoredReportFilter;

  @Field(() => AnalyticsInterval, { description: 'The series interval.' })
  @Enum({ items: () => AnalyticsInterval, type: 'text' })
  groupBy: AnalyticsInterval = AnalyticsInterval.DAY;

  @Field(() => String, { description: 'The IANA timezone of its series and relative range.' })
  @Property({ type: 'text' })
  timezone = 'UTC';

  @Field(() => [ReportBreakdown], { description: 'The breakdowns it shows (and exports).' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  breakdowns: ReportBreakdown[] = [];

  /** The row scope of the principal that made it: its counts never reach past it. */
  @Property({ type: 'json' })
  ownerScope!: RowScope;

  get gid(): string {
    return toGlobalId('Report', this.id);
  }
}
