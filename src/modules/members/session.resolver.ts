import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { AcceptInvitationInput, LoginInput, SwitchAccountInput } from './member.inputs';
import { AcceptInvitationPayload, LoginPayload, LogoutPayload, SwitchAccountPayload } from './member.types';
import { acceptInvitation, login, logout, switchAccount } from './session.service';

@Resolver()
export class SessionResolver {
  @Mutation(() => LoginPayload, { description: 'Logs in with e-mail and password; returns a 30-day session token. Public.' })
  login(@Arg('input', () => LoginInput, { description: 'Credentials.' }) input: LoginInput, @Ctx() ctx: Context): Promise<LoginPayload> {
    return login(ctx, input);
  }

  @Mutation(() => AcceptInvitationPayload, { description: 'Accepts an invitation with the token from its link and logs in. Public.' })
  async acceptInvitation(@Arg('input', () => AcceptInvitationInput, { description: 'Token and password.' }) input: AcceptInvitationInput, @Ctx() ctx: Context): Promise<AcceptInvitationPayload> {
    const s = await acceptInvitation(ctx, input);
    return { session: { token: s.token, expiresAt: s.expiresAt }, member: s.member };
  }

  @Mutation(() => SwitchAccountPayload, { description: 'Opens a session in another of your accounts; the current session stays valid. Needs a member session.' })
  switchAccount(@Arg('input', () => SwitchAccountInput, { description: 'The account.' }) input: SwitchAccountInput, @Ctx() ctx: Context): Promise<SwitchAccountPayload> {
    return switchAccount(ctx, input);
  }

  @Mutation(() => LogoutPayload, { description: 'Revokes the current session. Needs a member session.' })
  async logout(@Ctx() ctx: Context): Promise<LogoutPayload> {
    await logout(ctx);
    return { loggedOut: true };
  }
}
