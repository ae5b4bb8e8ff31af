import { defineModule } from '../module';
import { Account } from './account.entity';

/** Agency accounts. */
export const accountsModule = defineModule({
  name: 'accounts',
  entities: [Account],
  nodeTypes: { Account: { entity: Account, permission: null } },
});
