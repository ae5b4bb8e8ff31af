import { auditDeletion } from '../audit/audit-subscriber';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import { type Context, requireAccountWide, requirePermission } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { findInScope } from '../../db/find-in-scope';
import { badInput, conflict, forbidden, notFound } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { type Page, type PageArgs, paginate } from '../../graphql/pagination';
import { removeJob } from '../../jobs/queue';
import { Domain } from '../domains/domain.entity';
import { optionalDisplayName, requireEmail } from '../mail/address';
import { Tenant } from '../tenants/tenant.entity';
import { BlocklistAddressKind, parseMonitorAddress } from './address';
import { BlocklistMonitor } from './blocklist-monitor.entity';
import { checkJobKey, scheduleCheck } from './blocklist-schedule';
import {
  type BlocklistMonitorFilterInput,
  type CheckBlocklistMonitorInput,
  type CreateBlocklistMonitorInput,
  type DeleteBlocklistMonitorInput,
  INTERVAL_LIMITS,
  MAX_NOTIFY_EMAILS,
  type UpdateBlocklistMonitorInput,
} from './blocklist.inputs';

/** A monitor in the caller's scope by global id (BLOCKLIST_READ), or NOT_FOUND. */
export async function getBlocklistMonitor(ctx: Context, gid: string, field = 'id'): Promise<BlocklistMonitor> {
  requirePermission(ctx, Permission.BLOCKLIST_READ);
  return findInScope(ctx, BlocklistMonitor, 'BlocklistMonitor', gid, field);
}

/** The monitors in the caller's scope, oldest first (BLOCKLIST_READ). */
export async function listBlocklistMonitors(ctx: Context, args: PageArgs, filter: BlocklistMonitorFilterInput | null | undefined): Promise<Page<BlocklistMonitor>> {
  requirePermission(ctx, Permission.BLOCKLIST_READ);
  const where: Record<string, unknown> = {};
  if (filter?.tenantId) where.tenant = fromGlobalId(filter.tenantId, 'Tenant', 'filter.tenantId');
  if (filter?.listed !== null && filter?.listed !== undefined) where.listed = filter.listed;
  return paginate(ctx.em, BlocklistMonitor, where, args);
}

function monitorName(raw: string | null | undefined, fallback: string): string {
  return optionalDisplayName('name', raw, 100) ?? fallback.slice(0, 100);
}

function notifyEmails(raw: readonly string[] | null | undefined): string[] {
  const list = [...new Set((raw ?? []).map((e, i) => requireEmail(`notifyEmails[${i}]`, e)))];
  if (list.length > MAX_NOTIFY_EMAILS) throw badInput('notifyEmails', `notifyEmails may list at most ${MAX_NOTIFY_EMAILS} addresses`);
  return list;
}

function intervalMinutes(raw: number | null | undefined): number {
  if (raw === null || raw === undefined) return INTERVAL_LIMITS.default;
  if (!Number.isInteger(raw) || raw < INTERVAL_LIMITS.min || raw > INTERVAL_LIMITS.max) {
    throw badInput('intervalMinutes', `intervalMinutes must be from ${INTERVAL_LIMITS.min} to ${INTERVAL_LIMITS.max}`);
  }
  return raw;
}

/** The owner of a new monitor within the caller's scope: a tenant it wholly holds, or the account (account-wide only). */
async function resolveOwner(ctx: Context, tenantGid: string | null | undefined): Promise<string | null> {
  const scope = requirePermission(ctx, Permission.BLOCKLIST_MANAGE);
  if (!tenantGid) {
    requireAccountWide(ctx);
    return null;
  }
  const tenant = await ctx.em.findOne(Tenant, { id: fromGlobalId(tenantGid, 'Tenant', 'tenantId') });
  if (!tenant) throw notFound('Tenant', 'tenantId');
  if (!(scope.allDomains || scope.tenantIds.includes(tenant.id))) throw forbidden('A tenant’s monitor needs a principal with the whole tenant');
  return tenant.id;
}

/** The tenant's sending domain a domain monitor names (for domain principals and Domain health), if any. */
async function linkedDomain(em: EntityManager, tenantId: string | null, kind: BlocklistAddressKind, address: string): Promise<string | null> {
  if (!tenantId || kind !== BlocklistAddressKind.DOMAIN) return null;
  const domain = await em.findOne(Domain, { name: address, tenant: tenantId }, { fields: ['id'] });
  return domain?.id ?? null;
}

function duplicate() {
  return conflict('address', 'This address is already monitored for this owner');
}

/**
 * Creates a monitor (BLOCKLIST_MANAGE) for a tenant the caller wholly holds, or for the account
 * (account-wide only), and queues its first check right away. Side effects: write, job.
 */
export async function createBlocklistMonitor(ctx: Context, input: CreateBlocklistMonitorInput): Promise<BlocklistMonitor> {
  const parsed = parseMonitorAddress(input.address);
  const name = monitorName(input.name, parsed.address);
  const emails = notifyEmails(input.notifyEmails);
  const interval = intervalMinutes(input.intervalMinutes);
  const tenantId = await resolveOwner(ctx, input.tenantId);
  const accountId = requirePermission(ctx).accountId;
  if (await ctx.em.findOne(BlocklistMonitor, { account: accountId, tenant: tenantId, address: parsed.address }, { fields: ['id'] })) throw duplicate();
  const domainId = await linkedDomain(ctx.em, tenantId, parsed.kind, parsed.address);
  const now = ctx.deps.clock.now();
  try {
    const id = await ctx.em.transactional(async (em) => {
      const m = em.create(BlocklistMonitor, {
        account: accountId,
        tenant: tenantId,
        domain: domainId,
        name,
        address: parsed.address,
        addressKind: parsed.kind,
        notifyEmails: emails,
        webhookEnabled: input.webhookEnabled ?? true,
        intervalMinutes: interval,
        nextCheckAt: now,
      });
      await em.flush();
      await scheduleCheck(ctx.deps.queue, em, m.id, now);
      return m.id;
    });
    return await ctx.em.fork().findOneOrFail(BlocklistMonitor, { id });
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicate();
    throw e;
  }
}

async function monitorForChange(ctx: Context, gid: string): Promise<BlocklistMonitor> {
  requirePermission(ctx, Permission.BLOCKLIST_MANAGE);
  return findInScope(ctx, BlocklistMonitor, 'BlocklistMonitor', gid);
}

/** Renames a monitor, changes whom it notifies, or its schedule (the next check moves with it). Side effects: write, job. */
export async function updateBlocklistMonitor(ctx: Context, input: UpdateBlocklistMonitorInput): Promise<BlocklistMonitor> {
  const m = await monitorForChange(ctx, input.id);
  const name = input.name === null || input.name === undefined ? m.name : monitorName(input.name, m.address);
  const emails = input.notifyEmails === null || input.notifyEmails === undefined ? m.notifyEmails : notifyEmails(input.notifyEmails);
  const interval = input.intervalMinutes === null || input.intervalMinutes === undefined ? m.intervalMinutes : intervalMinutes(input.intervalMinutes);
  await ctx.em.transactional(async (em) => {
    const row = await em.findOneOrFail(BlocklistMonitor, { id: m.id });
    row.name = name;
    row.notifyEmails = [...emails];
    if (input.webhookEnabled !== null && input.webhookEnabled !== undefined) row.webhookEnabled = input.webhookEnabled;
    if (interval !== row.intervalMinutes) {
      row.intervalMinutes = interval;
      const now = ctx.deps.clock.now();
      const next = new Date((row.lastCheckedAt ?? now).getTime() + interval * 60_000);
      row.nextCheckAt = next < now ? now : next;
      if (!row.checkStartedAt) await scheduleCheck(ctx.deps.queue, em, row.id, row.nextCheckAt);
    }
    await em.flush();
  });
  return ctx.em.fork().findOneOrFail(BlocklistMonitor, { id: m.id });
}

/** Deletes a monitor with its checks, hits and alerts, and its scheduled check. Side effects: delete, job removed. */
export async function deleteBlocklistMonitor(ctx: Context, input: DeleteBlocklistMonitorInput): Promise<string> {
  const m = await monitorForChange(ctx, input.id);
  const gid = m.gid;
  await ctx.em.transactional(async (em) => {
    auditDeletion(em, m);
    await em.nativeDelete(BlocklistMonitor, { id: m.id });
    await removeJob(em, checkJobKey(m.id));
  });
  return gid;
}

/** Queues a check of the monitor now (BLOCKLIST_MANAGE); its `progress` shows while it runs. Side effect: job. */
export async function checkBlocklistMonitor(ctx: Context, input: CheckBlocklistMonitorInput): Promise<BlocklistMonitor> {
  const m = await monitorForChange(ctx, input.id);
  await ctx.em.transactional((em) => scheduleCheck(ctx.deps.queue, em, m.id, ctx.deps.clock.now()));
  return m;
}
