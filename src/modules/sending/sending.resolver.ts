import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import { BulkSend } from './bulk-send.entity';
import { bulkEmailStatus, sendBulkEmail } from './bulk.service';
import { cancelScheduledMessage } from './cancel.service';
import { sendEmail } from './send.service';
import { CancelScheduledMessageInput, SendBulkEmailInput, SendEmailInput } from './sending.inputs';
import { CancelScheduledMessagePayload, SendBulkEmailPayload, SendEmailPayload } from './sending.types';

/** Sending: sendEmail, sendBulkEmail, cancelScheduledMessage and bulkEmailStatus — thin, each one service call. */
@Resolver()
export class SendingResolver {
  @Mutation(() => SendEmailPayload, { description: 'Accepts an e-mail for delivery: one message per recipient, delivered in the background. Needs EMAIL_SEND.' })
  async sendEmail(@Arg('input', () => SendEmailInput, { description: 'The e-mail.' }) input: SendEmailInput, @Ctx() ctx: Context): Promise<SendEmailPayload> {
    return { messages: await sendEmail(ctx, input) };
  }

  @Mutation(() => SendBulkEmailPayload, { description: 'Accepts up to 500 send requests, processed in the background. Needs EMAIL_SEND.' })
  async sendBulkEmail(@Arg('input', () => SendBulkEmailInput, { description: 'The requests.' }) input: SendBulkEmailInput, @Ctx() ctx: Context): Promise<SendBulkEmailPayload> {
    return { bulkEmail: await sendBulkEmail(ctx, input) };
  }

  @Mutation(() => CancelScheduledMessagePayload, { description: 'Cancels a message scheduled with sendAt before it is sent. Needs EMAIL_SEND.' })
  async cancelScheduledMessage(
    @Arg('input', () => CancelScheduledMessageInput, { description: 'The message.' }) input: CancelScheduledMessageInput,
    @Ctx() ctx: Context,
  ): Promise<CancelScheduledMessagePayload> {
    return { message: await cancelScheduledMessage(ctx, input) };
  }

  @Authorized(Permission.EMAIL_SEND)
  @Query(() => BulkSend, { description: 'Progress of one of your bulk sends (an account-wide principal sees every bulk send of the account).' })
  bulkEmailStatus(@Arg('id', () => ID, { description: 'Global id of the bulk send.' }) id: string, @Ctx() ctx: Context): Promise<BulkSend> {
    return bulkEmailStatus(ctx, id);
  }
}
