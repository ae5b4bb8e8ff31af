import { ArrayType, Entity, Enum, Filter, Index, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { scopeFilter } from '../../db/scope-filter';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { BlocklistAlertKind } from './blocklist.enums';
import { BlocklistOwned } from './blocklist-owned.entity';
import { blocklistScope } from './blocklist-scope';

/**
 * One change a check found: a listing, a delisting, or a zone turning unhealthy. Raised once per
 * change. `seq` is taken under the event-order lock just before commit (blocklist-alerts.queries.ts),
 * so seq order is commit order and "every alert after seq N" is exact for the live subscription.
 */
@Entity({ tableName: 'blocklist_alerts' })
@Index({ properties: ['account', 'seq'] })
@Index({ properties: ['monitor', 'seq'] })
@Filter(scopeFilter(blocklistScope))
@ObjectType({ implements: Node, description: 'A change on the blocklists: a listing, a delisting, or a zone turning unhealthy.' })
export class BlocklistAlert extends BlocklistOwned implements Node {
  get nodeType(): string {
    return 'BlocklistAlert';
  }

  /** Commit-ordered sequence number (never shown: it would count other clients' alerts). */
  @Property({ type: 'bigint', unique: true })
  seq!: string;

  @Field(() => BlocklistAlertKind, { description: 'LISTED, DELISTED or ZONE_UNHEALTHY.' })
  @Enum({ items: () => BlocklistAlertKind, type: 'text' })
  kind!: BlocklistAlertKind;

  @Field(() => String, { description: 'The address concerned (for a range: which one; for ZONE_UNHEALTHY: the monitor’s address).' })
  @Property({ type: 'text' })
  address!: string;

  @Field(() => String, { description: 'The zone.' })
  @Property({ type: 'text' })
  zone!: string;

  @Field(() => [String], { description: 'The A records of the listing (LISTED; the last known for DELISTED; empty for ZONE_UNHEALTHY).' })
  @Property({ type: ArrayType, columnType: 'text[]' })
  returnCodes: string[] = [];

  @Field(() => String, { nullable: true, description: 'The TXT reason of the listing, or why the zone is unhealthy.' })
  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  @Field(() => Date, { description: 'When the check found the change.' })
  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  get gid(): string {
    return toGlobalId('BlocklistAlert', this.id);
  }
}
