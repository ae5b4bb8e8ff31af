import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context';
import { byIdLoader } from '../../graphql/loaders';
import { type Page, PageArgs } from '../../graphql/pagination';
import { Domain } from '../domains/domain.entity';
import { Tenant } from '../tenants/tenant.entity';
import { BlocklistAlert } from './blocklist-alert.entity';
import { alertCursor, streamBlocklistAlerts } from './blocklist-alerts';
import type { BlocklistCheck } from './blocklist-check.entity';
import { BlocklistCheckProgress } from './blocklist-check.types';
import { BlocklistHit } from './blocklist-hit.entity';
import { monitorChecks, monitorHits, monitorProgress } from './blocklist-hits.service';
import { BlocklistMonitor } from './blocklist-monitor.entity';
import { streamCheckProgress } from './blocklist-progress';
import {
  BlocklistAlertFilterInput,
  BlocklistMonitorFilterInput,
  CheckBlocklistMonitorInput,
  CreateBlocklistMonitorInput,
  DeleteBlocklistMonitorInput,
  UpdateBlocklistMonitorInput,
} from './blocklist.inputs';
import { checkBlocklistMonitor, createBlocklistMonitor, deleteBlocklistMonitor, getBlocklistMonitor, listBlocklistMonitors, updateBlocklistMonitor } from './blocklist.service';
import {
  BlocklistCheckConnection,
  BlocklistMonitorConnection,
  CheckBlocklistMonitorPayload,
  CreateBlocklistMonitorPayload,
  DeleteBlocklistMonitorPayload,
  UpdateBlocklistMonitorPayload,
} from './blocklist.types';

/** Blocklist monitors: queries, mutations and the monitor's own fields. */
@Resolver(() => BlocklistMonitor)
export class BlocklistMonitorResolver {
  @Query(() => BlocklistMonitorConnection, { description: 'Blocklist monitors in your scope, oldest first. Needs BLOCKLIST_READ.' })
  blocklistMonitors(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => BlocklistMonitorFilterInput, { nullable: true, description: 'Which monitors.' }) filter: BlocklistMonitorFilterInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<BlocklistMonitor>> {
    return listBlocklistMonitors(ctx, args, filter);
  }

  @Query(() => BlocklistMonitor, { description: 'One blocklist monitor. Needs BLOCKLIST_READ.' })
  blocklistMonitor(@Arg('id', () => ID, { description: 'Global id of the monitor.' }) id: string, @Ctx() ctx: Context): Promise<BlocklistMonitor> {
    return getBlocklistMonitor(ctx, id);
  }

  @Mutation(() => CreateBlocklistMonitorPayload, { description: 'Starts watching a domain, IP address or range on the DNS blocklists; the first check runs right away. Needs BLOCKLIST_MANAGE.' })
  async createBlocklistMonitor(@Arg('input', () => CreateBlocklistMonitorInput) input: CreateBlocklistMonitorInput, @Ctx() ctx: Context): Promise<CreateBlocklistMonitorPayload> {
    return { monitor: await createBlocklistMonitor(ctx, input) };
  }

  @Mutation(() => UpdateBlocklistMonitorPayload, { description: 'Renames a monitor, or changes whom it notifies or how often it checks. Needs BLOCKLIST_MANAGE.' })
  async updateBlocklistMonitor(@Arg('input', () => UpdateBlocklistMonitorInput) input: UpdateBlocklistMonitorInput, @Ctx() ctx: Context): Promise<UpdateBlocklistMonitorPayload> {
    return { monitor: await updateBlocklistMonitor(ctx, input) };
  }

  @Mutation(() => DeleteBlocklistMonitorPayload, { description: 'Stops watching and deletes the monitor with its history. Needs BLOCKLIST_MANAGE.' })
  async deleteBlocklistMonitor(@Arg('input', () => DeleteBlocklistMonitorInput) input: DeleteBlocklistMonitorInput, @Ctx() ctx: Context): Promise<DeleteBlocklistMonitorPayload> {
    return { deletedId: await deleteBlocklistMonitor(ctx, input) };
  }

  @Mutation(() => CheckBlocklistMonitorPayload, { description: 'Checks the monitor now, on the job queue (watch `progress`, then `checks`). Needs BLOCKLIST_MANAGE.' })
  async checkBlocklistMonitor(@Arg('input', () => CheckBlocklistMonitorInput) input: CheckBlocklistMonitorInput, @Ctx() ctx: Context): Promise<CheckBlocklistMonitorPayload> {
    return { monitor: await checkBlocklistMonitor(ctx, input) };
  }

  @Subscription(() => BlocklistMonitor, {
    name: 'blocklistCheckProgress',
    description: 'The monitor now, then again each time its running check progresses (`progress`) and when it ends (`progress` null, `lastCheckedAt`, `hits` new). Needs BLOCKLIST_READ.',
    subscribe: ({ args, context }) => streamCheckProgress(context as Context, (args as { monitorId: string }).monitorId),
  })
  blocklistCheckProgress(@Root() m: BlocklistMonitor, @Arg('monitorId', () => ID, { description: 'The monitor.' }) _monitorId: string): BlocklistMonitor {
    return m;
  }

  @FieldResolver(() => Tenant, { nullable: true, description: 'The tenant that owns it; null for the account’s own monitors.' })
  tenant(@Root() m: BlocklistMonitor, @Ctx() ctx: Context): Promise<Tenant | null> | null {
    return m.tenant ? byIdLoader(ctx, Tenant).load(m.tenant.id) : null;
  }

  @FieldResolver(() => Domain, { nullable: true, description: 'The tenant’s sending domain the monitor watches, when its address is one (or null, or a domain outside your scope).' })
  domain(@Root() m: BlocklistMonitor, @Ctx() ctx: Context): Promise<Domain | null> | null {
    return m.domain ? byIdLoader(ctx, Domain).load(m.domain.id) : null;
  }

  @FieldResolver(() => [BlocklistHit], { description: 'The current listings seen by healthy zones: each listed address in each zone.' })
  hits(@Root() m: BlocklistMonitor, @Ctx() ctx: Context): Promise<BlocklistHit[]> {
    return monitorHits(ctx, m.id);
  }

  @FieldResolver(() => BlocklistCheckConnection, { description: 'The history of checks, oldest first.' })
  checks(@Root() m: BlocklistMonitor, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<BlocklistCheck>> {
    return monitorChecks(ctx, m.id, args);
  }

  @FieldResolver(() => BlocklistCheckProgress, { nullable: true, description: 'How far the running check is; null when none runs.' })
  progress(@Root() m: BlocklistMonitor): BlocklistCheckProgress | null {
    return monitorProgress(m);
  }
}

/** Blocklist alerts: the live subscription and the alert's own fields. */
@Resolver(() => BlocklistAlert)
export class BlocklistAlertResolver {
  @Subscription(() => BlocklistAlert, {
    name: 'blocklistAlerts',
    description:
      'Streams each new blocklist alert (LISTED, DELISTED, ZONE_UNHEALTHY) of the monitors in your scope the moment its check commits. With `after` (an alert’s cursor), first replays every alert since then. Needs BLOCKLIST_READ.',
    subscribe: ({ args, context }) => {
      const a = args as { filter?: BlocklistAlertFilterInput | null; after?: string | null };
      return streamBlocklistAlerts(context as Context, a.filter, a.after);
    },
  })
  blocklistAlerts(
    @Root() alert: BlocklistAlert,
    @Arg('filter', () => BlocklistAlertFilterInput, { nullable: true, description: 'Which alerts.' }) _filter?: BlocklistAlertFilterInput | null,
    @Arg('after', () => String, { nullable: true, description: 'Replay alerts after this cursor (BlocklistAlert.cursor) first.' }) _after?: string | null,
  ): BlocklistAlert {
    return alert;
  }

  @FieldResolver(() => String, { description: 'Opaque cursor: pass it as `after` to resume the subscription after this alert.' })
  cursor(@Root() a: BlocklistAlert, @Ctx() ctx: Context): string {
    return alertCursor(ctx.config.secret, a);
  }

  @FieldResolver(() => BlocklistMonitor, { nullable: true, description: 'The monitor that raised it.' })
  monitor(@Root() a: BlocklistAlert, @Ctx() ctx: Context): Promise<BlocklistMonitor | null> {
    return byIdLoader(ctx, BlocklistMonitor).load(a.monitor.id);
  }
}
