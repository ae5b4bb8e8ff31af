import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import { byIdLoader } from '../../graphql/loaders';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { Message } from '../sending/message.entity';
import { Tenant } from '../tenants/tenant.entity';
import { ActivityEventNode } from './activity.types';
import { messageContent, messageEvents } from './activity.service';

/** The message of an event, through the caller's scope (null when outside it). */
export function eventMessage(ctx: Context, event: ActivityEventNode): Promise<Message | null> {
  return byIdLoader(ctx, Message).load(event.row.messageId);
}

/** Fields of Message that need their own permission or a batched load. */
@Resolver(() => Message)
export class MessageFieldsResolver {
  @Authorized(Permission.ACTIVITY_CONTENT_READ)
  @FieldResolver(() => String, { nullable: true, description: 'The HTML body as sent. Needs ACTIVITY_CONTENT_READ.' })
  async html(@Root() m: Message, @Ctx() ctx: Context): Promise<string | null> {
    return (await messageContent(ctx, m.id))?.html ?? null;
  }

  @Authorized(Permission.ACTIVITY_CONTENT_READ)
  @FieldResolver(() => String, { nullable: true, description: 'The plain-text body as sent. Needs ACTIVITY_CONTENT_READ.' })
  async text(@Root() m: Message, @Ctx() ctx: Context): Promise<string | null> {
    return (await messageContent(ctx, m.id))?.text ?? null;
  }

  @Authorized(Permission.ACTIVITY_CONTENT_READ)
  @FieldResolver(() => String, {
    nullable: true,
    description: 'The full MIME message, DKIM-signed, once built; null for a message with attachments (its MIME is built for each attempt, not kept). Needs ACTIVITY_CONTENT_READ.',
  })
  async raw(@Root() m: Message, @Ctx() ctx: Context): Promise<string | null> {
    return (await messageContent(ctx, m.id))?.raw ?? null;
  }

  @Authorized(Permission.ACTIVITY_READ)
  @FieldResolver(() => [ActivityEventNode], { description: 'The message’s events, oldest first.' })
  events(@Root() m: Message, @Ctx() ctx: Context): Promise<ActivityEventNode[]> {
    return messageEvents(ctx, m.id);
  }

  @FieldResolver(() => Tenant, { nullable: true, description: 'The client; null for agency mail or when outside your scope.' })
  tenant(@Root() m: Message, @Ctx() ctx: Context): Promise<Tenant | null> {
    return m.tenant ? byIdLoader(ctx, Tenant).load(m.tenant.id) : Promise.resolve(null);
  }

  @FieldResolver(() => Domain, { nullable: true, description: 'The sending domain; null when outside your scope (an agency domain seen by an identity client).' })
  domain(@Root() m: Message, @Ctx() ctx: Context): Promise<Domain | null> {
    return byIdLoader(ctx, Domain).load(m.domain.id);
  }

  @FieldResolver(() => SenderIdentity, { nullable: true, description: 'The sender identity, when sent as one.' })
  senderIdentity(@Root() m: Message, @Ctx() ctx: Context): Promise<SenderIdentity | null> {
    return m.senderIdentity ? byIdLoader(ctx, SenderIdentity).load(m.senderIdentity.id) : Promise.resolve(null);
  }
}
