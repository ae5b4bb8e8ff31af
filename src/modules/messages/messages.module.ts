import { defineModule } from '../module';
import { MessageListResolver } from './message-list.resolver';

/** Messages as a list: `messages` and `bulkEmails` with filters, and `Message.bulkEmail`. */
export const messagesModule = defineModule({
  name: 'messages',
  resolvers: [MessageListResolver],
});
