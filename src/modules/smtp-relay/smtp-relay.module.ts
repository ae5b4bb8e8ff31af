import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { SmtpUser } from './smtp-user.entity';
import { SmtpUserResolver } from './smtp-user.resolver';

/** SMTP relay: per-domain and per-sender-identity SMTP credentials (the submission server is started by the app). */
export const smtpRelayModule = defineModule({
  name: 'smtp-relay',
  entities: [SmtpUser],
  resolvers: [SmtpUserResolver],
  nodeTypes: { SmtpUser: { entity: SmtpUser, permission: Permission.TOKENS_MANAGE } },
});
