import { Entity, Enum, Filter, ManyToOne, Property, type Ref } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../db/base.entity';
import { accountRows, scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { SuppressionImportStatus, SuppressionList } from './suppression.enums';

/** A CSV of addresses added to one list in the background, with its progress. Visible to the principal that made it (or account-wide ones). */
@Entity({ tableName: 'suppression_imports' })
@Filter(scopeFilter((s) => accountRows(s, { principalKey: s.principalKey })))
@ObjectType({ implements: Node, description: 'A CSV import into a suppression list and its progress.' })
export class SuppressionImport extends BaseEntity implements Node {
  get nodeType(): string {
    return 'SuppressionImport';
  }

  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  /** The token or membership that submitted it. */
  @Property({ type: 'text' })
  principalKey!: string;

  /** The domain whose list it fills; null for the account-wide blocklist. */
  @ManyToOne(() => Domain, { ref: true, nullable: true, deleteRule: 'cascade' })
  domain: Ref<Domain> | null = null;

  @Field(() => SuppressionList, { description: 'The list it fills.' })
  @Enum({ items: () => SuppressionList, type: 'text' })
  list!: SuppressionList;

  @Field(() => SuppressionImportStatus, { description: 'Progress.' })
  @Enum({ items: () => SuppressionImportStatus, type: 'text' })
  status: SuppressionImportStatus = SuppressionImportStatus.QUEUED;

  @Field(() => Int, { description: 'Data rows in the CSV.' })
  @Property({ type: 'integer' })
  total!: number;

  @Field(() => Int, { description: 'Rows processed so far.' })
  @Property({ type: 'integer' })
  processed = 0;

  @Field(() => Int, { description: 'Entries added.' })
  @Property({ type: 'integer' })
  added = 0;

  @Field(() => Int, { description: 'Rows skipped: already on the list, or a duplicate within the file.' })
  @Property({ type: 'integer' })
  skipped = 0;

  @Field(() => Int, { description: 'Rows that are not an address (or, for BLOCKLIST, not a pattern).' })
  @Property({ type: 'integer' })
  invalid = 0;

  /** The rows' first cells, kept until processed. */
  @Property({ type: 'json', lazy: true })
  rows!: string[];

  get gid(): string {
    return toGlobalId('SuppressionImport', this.id);
  }
}
