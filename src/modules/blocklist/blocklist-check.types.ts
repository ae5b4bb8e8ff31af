import { Field, Int, ObjectType } from 'type-graphql';
import { BlocklistZoneKind, BlocklistZoneStatus } from './blocklist.enums';

/** How one zone fared in one check. */
@ObjectType({ description: 'One zone in one check.' })
export class BlocklistCheckZone {
  @Field(() => String, { description: 'The zone.' })
  zone!: string;

  @Field(() => BlocklistZoneKind, { description: 'What it lists.' })
  kind!: BlocklistZoneKind;

  @Field(() => BlocklistZoneStatus, { description: 'HEALTHY, or UNHEALTHY (its answers did not count).' })
  status!: BlocklistZoneStatus;

  @Field(() => String, { nullable: true, description: 'Why it was unhealthy (failed self-test, error code, timeout).' })
  error!: string | null;

  @Field(() => Int, { description: 'How many addresses it listed (0 when unhealthy).' })
  listings!: number;
}

/** A listing one check saw. */
@ObjectType({ description: 'A listing one check saw.' })
export class BlocklistCheckHit {
  @Field(() => String, { description: 'The listed address, or the domain.' })
  address!: string;

  @Field(() => String, { description: 'The zone.' })
  zone!: string;

  @Field(() => [String], { description: 'The A records it answered.' })
  returnCodes!: string[];

  @Field(() => String, { nullable: true, description: 'Its TXT record.' })
  reason!: string | null;
}

/** A running check's progress. */
@ObjectType({ description: 'How far the running check is.' })
export class BlocklistCheckProgress {
  @Field(() => Date, { description: 'When it started.' })
  startedAt!: Date;

  @Field(() => Int, { description: 'DNS lookups done (self-tests included).' })
  lookupsDone!: number;

  @Field(() => Int, { description: 'DNS lookups in all.' })
  lookupsTotal!: number;
}
