import { defineModule } from '../module';
import { ACTIVITY_ROUTES } from './activity.routes';
import { EMAIL_ROUTES } from './email.routes';
import { MESSAGE_ROUTES } from './messages.routes';

/** The MailerSend-compatible REST API under /v1: a translation onto the GraphQL API's services (see README). */
export const restModule = defineModule({
  name: 'rest',
  routes: [...EMAIL_ROUTES, ...ACTIVITY_ROUTES, ...MESSAGE_ROUTES],
});
