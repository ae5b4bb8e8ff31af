import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { ErasureRequest } from './erasure-request.entity';
import { ErasureResolver } from './erasure.resolver';

/** Erasure: eraseRecipient (GDPR art. 17) and its audit log. */
export const erasureModule = defineModule({
  name: 'erasure',
  entities: [ErasureRequest],
  resolvers: [ErasureResolver],
  nodeTypes: { ErasureRequest: { entity: ErasureRequest, permission: Permission.DATA_ERASE } },
});
