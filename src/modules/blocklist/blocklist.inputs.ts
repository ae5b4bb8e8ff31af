import { Field, ID, InputType, Int } from 'type-graphql';

/** Bounds of a monitor's schedule, in minutes. */
export const INTERVAL_LIMITS = { min: 15, max: 10_080, default: 120 };
/** Most addresses one monitor mails. */
export const MAX_NOTIFY_EMAILS = 10;

/** Input of createBlocklistMonitor. */
@InputType({ description: 'A new blocklist monitor. With tenantId it is the tenant’s (its principals manage it); without, the account’s own (account-wide principals only).' })
export class CreateBlocklistMonitorInput {
  @Field(() => String, { description: `What to watch: a domain (example.com), an IPv4 or IPv6 address, or a CIDR range up to /24 (IPv4) or /120 (IPv6).` })
  address!: string;

  @Field(() => String, { nullable: true, description: 'Name to recognise it by (1–100 characters; default the address).' })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: 'The tenant that owns it; none: the account’s own.' })
  tenantId?: string | null;

  @Field(() => [String], { nullable: true, description: `Who to mail on a listing or delisting (at most ${MAX_NOTIFY_EMAILS}).` })
  notifyEmails?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Send listings and delistings to webhooks (default true).' })
  webhookEnabled?: boolean | null;

  @Field(() => Int, { nullable: true, description: `Minutes between checks (${INTERVAL_LIMITS.min}–${INTERVAL_LIMITS.max}, default ${INTERVAL_LIMITS.default}). The first check runs right away.` })
  intervalMinutes?: number | null;
}

/** Input of updateBlocklistMonitor: omitted fields stay as they are. */
@InputType({ description: 'Changes to a monitor; omitted fields stay as they are (the address and owner do not change).' })
export class UpdateBlocklistMonitorInput {
  @Field(() => ID, { description: 'The monitor.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'New name (1–100 characters).' })
  name?: string | null;

  @Field(() => [String], { nullable: true, description: 'New list of addresses to mail (replaces the old one).' })
  notifyEmails?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Send listings and delistings to webhooks.' })
  webhookEnabled?: boolean | null;

  @Field(() => Int, { nullable: true, description: `Minutes between checks (${INTERVAL_LIMITS.min}–${INTERVAL_LIMITS.max}); the next check moves accordingly.` })
  intervalMinutes?: number | null;
}

/** Input of deleteBlocklistMonitor. */
@InputType({ description: 'The monitor to delete, with its checks, hits and alerts.' })
export class DeleteBlocklistMonitorInput {
  @Field(() => ID, { description: 'The monitor.' })
  id!: string;
}

/** Input of checkBlocklistMonitor. */
@InputType({ description: 'The monitor to check now.' })
export class CheckBlocklistMonitorInput {
  @Field(() => ID, { description: 'The monitor.' })
  id!: string;
}

/** Which monitors blocklistMonitors lists. */
@InputType({ description: 'Which monitors.' })
export class BlocklistMonitorFilterInput {
  @Field(() => ID, { nullable: true, description: 'Only this tenant’s.' })
  tenantId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only listed (true) or only clean (false) ones.' })
  listed?: boolean | null;
}

/** Which alerts blocklistAlerts streams. */
@InputType({ description: 'Which alerts.' })
export class BlocklistAlertFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Only these monitors’ alerts.' })
  monitorIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only this tenant’s monitors’ alerts.' })
  tenantId?: string | null;
}
