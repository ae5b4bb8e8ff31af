import { defineModule } from '../module';
import { Tenant } from './tenant.entity';
import { TenantResolver } from './tenant.resolver';

/** The agency's clients. */
export const tenantsModule = defineModule({
  name: 'tenants',
  entities: [Tenant],
  resolvers: [TenantResolver],
  nodeTypes: { Tenant: { entity: Tenant, permission: null } },
});
