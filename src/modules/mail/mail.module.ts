import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { SystemEmail } from './system-email.entity';
import { SystemEmailResolver } from './system-email.resolver';

/** The platform's own mail (sender confirmations, invitations) and its outbox. */
export const mailModule = defineModule({
  name: 'mail',
  entities: [SystemEmail],
  resolvers: [SystemEmailResolver],
  nodeTypes: { SystemEmail: { entity: SystemEmail, permission: Permission.MEMBERS_MANAGE } },
});
