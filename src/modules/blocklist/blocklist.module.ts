import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { BlocklistAlert } from './blocklist-alert.entity';
import { BlocklistCheck } from './blocklist-check.entity';
import { BlocklistHit } from './blocklist-hit.entity';
import { BlocklistMonitor } from './blocklist-monitor.entity';
import { BlocklistAlertResolver, BlocklistMonitorResolver } from './blocklist.resolver';
import { DUE_TASK } from './blocklist-schedule';
import { blocklistTasks } from './blocklist.tasks';

/** Blocklist monitoring: monitors of domains, IPs and ranges, checks on the queue, hits and live alerts. */
export const blocklistModule = defineModule({
  name: 'blocklist',
  entities: [BlocklistMonitor, BlocklistCheck, BlocklistHit, BlocklistAlert],
  resolvers: [BlocklistMonitorResolver, BlocklistAlertResolver],
  tasks: blocklistTasks,
  crontab: [`*/10 * * * * ${DUE_TASK}`],
  nodeTypes: {
    BlocklistMonitor: { entity: BlocklistMonitor, permission: Permission.BLOCKLIST_READ },
    BlocklistCheck: { entity: BlocklistCheck, permission: Permission.BLOCKLIST_READ },
    BlocklistAlert: { entity: BlocklistAlert, permission: Permission.BLOCKLIST_READ },
  },
});
