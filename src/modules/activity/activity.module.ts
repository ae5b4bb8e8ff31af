import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { ActivityEvent } from './activity-event.entity';
import { ActivityResolver } from './activity.resolver';
import { getEventNode } from './activity.service';
import { activityTasks } from './activity.tasks';
import { MessageFieldsResolver } from './message-fields';

/** Activity: the commit-ordered events table, the activity query and live subscription. */
export const activityModule = defineModule({
  name: 'activity',
  entities: [ActivityEvent],
  resolvers: [ActivityResolver, MessageFieldsResolver],
  tasks: activityTasks,
  crontab: ['0 3 * * * ensure-event-partitions'],
  nodeTypes: { ActivityEvent: { permission: Permission.ACTIVITY_READ, load: getEventNode } },
});
