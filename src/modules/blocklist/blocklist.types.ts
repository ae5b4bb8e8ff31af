import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { BlocklistCheck } from './blocklist-check.entity';
import { BlocklistMonitor } from './blocklist-monitor.entity';

/** A page of monitors. */
export const BlocklistMonitorConnection = Connection(BlocklistMonitor, 'BlocklistMonitor');

/** A page of a monitor's checks. */
export const BlocklistCheckConnection = Connection(BlocklistCheck, 'BlocklistCheck');

/** Payload of createBlocklistMonitor. */
@ObjectType({ description: 'The new monitor (its first check is queued).' })
export class CreateBlocklistMonitorPayload {
  @Field(() => BlocklistMonitor, { description: 'The monitor.' })
  monitor!: BlocklistMonitor;
}

/** Payload of updateBlocklistMonitor. */
@ObjectType({ description: 'The monitor as it is now.' })
export class UpdateBlocklistMonitorPayload {
  @Field(() => BlocklistMonitor, { description: 'The monitor.' })
  monitor!: BlocklistMonitor;
}

/** Payload of checkBlocklistMonitor. */
@ObjectType({ description: 'The monitor; its check is queued (see progress).' })
export class CheckBlocklistMonitorPayload {
  @Field(() => BlocklistMonitor, { description: 'The monitor.' })
  monitor!: BlocklistMonitor;
}

/** Payload of deleteBlocklistMonitor. */
@ObjectType({ description: 'The deleted monitor’s id.' })
export class DeleteBlocklistMonitorPayload {
  @Field(() => ID, { description: 'Global id of the deleted monitor.' })
  deletedId!: string;
}
