import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { BulkSend } from './bulk-send.entity';
import { IdempotencyRecord } from './idempotency-record.entity';
import { Message } from './message.entity';
import { SendingResolver } from './sending.resolver';
import { sendingTasks } from './sending.tasks';

/** Sending: messages, bulk sends, idempotency, delivery jobs. */
export const sendingModule = defineModule({
  name: 'sending',
  entities: [Message, BulkSend, IdempotencyRecord],
  resolvers: [SendingResolver],
  tasks: sendingTasks,
  nodeTypes: {
    Message: { entity: Message, permission: Permission.ACTIVITY_READ },
    BulkSend: { entity: BulkSend, permission: Permission.EMAIL_SEND },
  },
});
