import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import type { Page } from '../../graphql/pagination';
import { SystemEmail } from './system-email.entity';
import { listSystemEmails } from './system-mail.service';
import { SystemEmailConnection, SystemEmailsArgs } from './system-email.types';

@Resolver(() => SystemEmail)
export class SystemEmailResolver {
  @Authorized(Permission.MEMBERS_MANAGE)
  @Query(() => SystemEmailConnection, {
    description:
      'The outbox of system e-mails (sender confirmations, member invitations): recipient, kind, times and the body with the secret of its link redacted (only the recipient’s mailbox gets a working link). Needs MEMBERS_MANAGE and an account-wide principal.',
  })
  systemEmails(@Args(() => SystemEmailsArgs) args: SystemEmailsArgs, @Ctx() ctx: Context): Promise<Page<SystemEmail>> {
    return listSystemEmails(ctx, args, args.kind);
  }
}
