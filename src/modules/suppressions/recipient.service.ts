import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { fromOptionalGlobalId } from '../../graphql/global-id';
import { listActivity } from '../activity/activity.service';
import type { ActivityEventConnection } from '../activity/activity.types';
import { requireEmail } from '../mail/address';
import { RecipientInfo } from './suppressions.types';
import { recipientEntries } from './suppressions.queries';
import { rowScope } from '../../auth/scope';

/** One recipient's entries in the caller's scope, optionally on one domain (SUPPRESSIONS_READ); a domain outside the scope shows nothing. */
export async function recipientInfo(ctx: Context, email: string, domainGid: string | null | undefined): Promise<RecipientInfo> {
  const scope = requirePermission(ctx, Permission.SUPPRESSIONS_READ);
  const address = requireEmail('email', email);
  const domainId = fromOptionalGlobalId(domainGid, 'Domain', 'domainId');
  const entries = await recipientEntries(ctx.em, rowScope(scope), address, domainId);
  const now = ctx.deps.clock.now();
  const info = new RecipientInfo();
  Object.assign(info, { email: address, domainId, domainGid: domainGid ?? null, suppressions: entries, suppressed: entries.some((e) => !e.expiresAt || e.expiresAt > now) });
  return info;
}

/** The recipient's last events in the caller's scope, newest first, through the activity service (needs ACTIVITY_READ). */
export function recipientEvents(ctx: Context, info: RecipientInfo, first: number): Promise<ActivityEventConnection> {
  return listActivity(ctx, { first }, { recipient: info.email, domainIds: info.domainGid ? [info.domainGid] : null });
}
