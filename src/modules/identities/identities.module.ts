import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { CONFIRM_SENDER_ROUTES } from './confirm-sender.routes';
import { DomainSenderIdentitiesResolver, TenantSenderIdentitiesResolver } from './identity-extensions.resolver';
import { SenderIdentity } from './sender-identity.entity';
import { SenderIdentityResolver } from './sender-identity.resolver';

/** Sender identities: a client's confirmed address sending through an agency domain. */
export const identitiesModule = defineModule({
  name: 'identities',
  entities: [SenderIdentity],
  resolvers: [SenderIdentityResolver, TenantSenderIdentitiesResolver, DomainSenderIdentitiesResolver],
  routes: CONFIRM_SENDER_ROUTES,
  nodeTypes: { SenderIdentity: { entity: SenderIdentity, permission: Permission.IDENTITIES_READ } },
});
