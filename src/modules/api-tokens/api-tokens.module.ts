import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { ApiToken } from './api-token.entity';
import { ApiTokenResolver, ApiTokenScopeResolver } from './api-token.resolver';

/** API tokens: permission lists scoped to the account, a tenant, a domain or a sender identity. */
export const apiTokensModule = defineModule({
  name: 'api-tokens',
  entities: [ApiToken],
  resolvers: [ApiTokenResolver, ApiTokenScopeResolver],
  nodeTypes: { ApiToken: { entity: ApiToken, permission: Permission.TOKENS_MANAGE } },
});
