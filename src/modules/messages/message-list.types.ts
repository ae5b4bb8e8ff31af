import { Connection } from '../../graphql/pagination';
import { BulkSend } from '../sending/bulk-send.entity';
import { Message } from '../sending/message.entity';

/** A page of messages. */
export const MessageConnection = Connection(Message, 'Message');

/** A page of bulk sends. */
export const BulkSendConnection = Connection(BulkSend, 'BulkSend');
