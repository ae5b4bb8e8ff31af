import { NodeResolver } from './node/node.resolver';
import { TenantResolver } from './tenants/tenant.resolver';
import { ViewerResolver } from './viewer/viewer.resolver';

/** Every resolver class in the schema. */
export const RESOLVERS = [NodeResolver, ViewerResolver, TenantResolver];
