import { ArrayType, Entity, Filter, Index, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { scopeFilter } from '../../db/scope-filter';
import { BlocklistOwned } from './blocklist-owned.entity';
import { blocklistScope } from './blocklist-scope';

/** A current listing of one of a monitor's addresses in one zone: kept while healthy checks see it, removed on delisting. */
@Entity({ tableName: 'blocklist_hits' })
@Unique({ properties: ['monitor', 'address', 'zone'] })
@Index({ properties: ['account', 'id'] })
@Filter(scopeFilter(blocklistScope))
@ObjectType({ description: 'A current listing: one address in one zone.' })
export class BlocklistHit extends BlocklistOwned {
  @Field(() => String, { description: 'The listed address (for a range: which one), or the domain.' })
  @Property({ type: 'text' })
  address!: string;

  @Field(() => String, { description: 'The zone that lists it.' })
  @Property({ type: 'text' })
  zone!: string;

  @Field(() => [String], { description: 'The A records the zone answered (127.0.0.x): what kind of listing it is.' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  returnCodes: string[] = [];

  @Field(() => String, { nullable: true, description: "The zone's TXT record for the listing (its reason, often a link)." })
  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  @Field(() => Date, { description: 'When a check first saw the listing.' })
  @Property({ type: 'timestamptz' })
  firstSeenAt!: Date;

  @Field(() => Date, { description: 'When a check last saw it.' })
  @Property({ type: 'timestamptz' })
  lastSeenAt!: Date;
}
