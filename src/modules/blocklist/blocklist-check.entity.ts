import { ArrayType, Entity, Filter, Index, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { BlocklistCheckHit, BlocklistCheckZone } from './blocklist-check.types';
import { BlocklistOwned } from './blocklist-owned.entity';
import { blocklistScope } from './blocklist-scope';

/** One finished check of a monitor: its time, each zone's outcome, the listings seen and the errors. */
@Entity({ tableName: 'blocklist_checks' })
@Index({ properties: ['monitor', 'id'] })
@Index({ properties: ['account', 'id'] })
@Filter(scopeFilter(blocklistScope))
@ObjectType({ implements: Node, description: 'One check of a monitor: when, each zone, the listings seen, the errors.' })
export class BlocklistCheck extends BlocklistOwned implements Node {
  get nodeType(): string {
    return 'BlocklistCheck';
  }

  @Field(() => Date, { description: 'When it started.' })
  @Property({ type: 'timestamptz' })
  startedAt!: Date;

  @Field(() => Date, { description: 'When it finished.' })
  @Property({ type: 'timestamptz' })
  finishedAt!: Date;

  @Field(() => Int, { description: 'Addresses looked up (a range: each of its addresses).' })
  @Property({ type: 'integer' })
  addressesChecked!: number;

  @Field(() => Int, { description: 'Zones that answered healthy.' })
  @Property({ type: 'integer' })
  zonesChecked!: number;

  @Field(() => [BlocklistCheckZone], { description: 'Each zone of the right kind, with its status.' })
  @Property({ type: 'json' })
  zones: BlocklistCheckZone[] = [];

  @Field(() => [BlocklistCheckHit], { description: 'The listings seen by healthy zones.' })
  @Property({ type: 'json' })
  hits: BlocklistCheckHit[] = [];

  @Field(() => [String], { description: 'What went wrong: each unhealthy zone and why.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  errors: string[] = [];

  get gid(): string {
    return toGlobalId('BlocklistCheck', this.id);
  }
}
