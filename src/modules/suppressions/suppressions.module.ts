import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { SoftBounce } from './soft-bounce.entity';
import { suppressionExportRoute } from './suppression-export.route';
import { SuppressionImport } from './suppression-import.entity';
import { Suppression } from './suppression.entity';
import { suppressionsConsumer } from './suppressions.consumer';
import { RecipientInfoResolver, SuppressionResolver } from './suppressions.resolver';
import { suppressionsTasks } from './suppressions.tasks';

/** Suppressions: the lists per domain, the blocklist, the consumer that fills them, import and export. */
export const suppressionsModule = defineModule({
  name: 'suppressions',
  entities: [Suppression, SoftBounce, SuppressionImport],
  resolvers: [SuppressionResolver, RecipientInfoResolver],
  tasks: suppressionsTasks,
  consumers: [suppressionsConsumer],
  routes: [suppressionExportRoute],
  nodeTypes: {
    Suppression: { entity: Suppression, permission: Permission.SUPPRESSIONS_READ },
    SuppressionImport: { entity: SuppressionImport, permission: Permission.SUPPRESSIONS_MANAGE },
  },
});
