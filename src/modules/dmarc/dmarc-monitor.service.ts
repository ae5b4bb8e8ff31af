import { randomBytes } from 'node:crypto';
import { Permission } from '../../auth/permissions';
import { type Context, requirePermission } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { findInScope } from '../../db/find-in-scope';
import { conflict } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/global-id';
import { type Page, type PageArgs, paginate } from '../../graphql/pagination';
import { dmarcRecordOf } from '../domains/dns/expected-records';
import type { Domain } from '../domains/domain.entity';
import { loadDomain } from '../domains/domain.service';
import { DmarcMonitor } from './dmarc-monitor.entity';
import { checkMonitorRecord } from './dmarc-record';
import { DmarcPolicy } from './dmarc.enums';
import type { CreateDmarcMonitorInput, DmarcMonitorFilterInput, DmarcMonitorIdInput, UpdateDmarcMonitorInput } from './dmarc.inputs';
import { auditDeletion } from '../audit/audit-subscriber';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A fresh rua token: 130 random bits in lower-case base32 (26 characters), safe in a mail local part. */
export function newRuaToken(): string {
  return [...randomBytes(26)].map((b) => BASE32[b & 31]).join('');
}

/** Loads a monitor in the caller's scope by global id, or NOT_FOUND naming `field`. No permission check. */
export async function loadMonitor(ctx: Context, gid: string, field = 'id'): Promise<DmarcMonitor> {
  return findInScope(ctx, DmarcMonitor, 'DmarcMonitor', gid, field);
}

/** One monitor in the caller's scope (DMARC_READ), or NOT_FOUND. */
export async function getDmarcMonitor(ctx: Context, gid: string): Promise<DmarcMonitor> {
  requirePermission(ctx, Permission.DMARC_READ);
  return loadMonitor(ctx, gid);
}

/** A page of the monitors in the caller's scope matching the filter, oldest first (DMARC_READ). */
export async function listDmarcMonitors(ctx: Context, args: PageArgs, filter: DmarcMonitorFilterInput | null | undefined): Promise<Page<DmarcMonitor>> {
  requirePermission(ctx, Permission.DMARC_READ);
  const where: Record<string, unknown> = {};
  if (filter?.domainIds) where.domain = { $in: filter.domainIds.map((g, i) => fromGlobalId(g, 'Domain', `filter.domainIds[${i}]`)) };
  if (filter?.tenantId) where.tenant = fromGlobalId(filter.tenantId, 'Tenant', 'filter.tenantId');
  if (filter?.recordValid !== null && filter?.recordValid !== undefined) where.recordValid = filter.recordValid;
  return paginate(ctx.em, DmarcMonitor, where, args);
}

/** checkMonitorRecord with the request's entity manager, DNS, mail domain and clock. */
function checkAndApply(ctx: Context, monitor: DmarcMonitor, domain: Domain): Promise<void> {
  return checkMonitorRecord(ctx.em, ctx.deps.dns, ctx.config.mailDomain, ctx.deps.clock.now(), monitor, domain);
}

/**
 * Starts monitoring a domain in scope (DMARC_MANAGE): a new rua address, the record checked at once,
 * and the domain's expected DMARC record set to the monitor's. CONFLICT on `domainId` when the domain
 * already has a monitor. Side effects: DNS lookup, writes.
 */
export async function createDmarcMonitor(ctx: Context, input: CreateDmarcMonitorInput): Promise<DmarcMonitor> {
  const scope = requirePermission(ctx, Permission.DMARC_MANAGE);
  const domain = await loadDomain(ctx, input.domainId, 'domainId');
  if ((await ctx.em.count(DmarcMonitor, { domain: domain.id })) > 0) throw conflict('domainId', 'This domain already has a DMARC monitor');
  const monitor = ctx.em.create(DmarcMonitor, {
    account: scope.accountId,
    tenant: domain.tenant?.id ?? null,
    domain: domain.id,
    wantedPolicy: input.wantedPolicy ?? DmarcPolicy.NONE,
    ruaToken: newRuaToken(),
  });
  await checkAndApply(ctx, monitor, domain);
  try {
    await ctx.em.flush();
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('domainId', 'This domain already has a DMARC monitor');
    throw e;
  }
  return monitor;
}

/** Changes a monitor's wanted policy (DMARC_MANAGE) and checks its record again. Side effects: DNS lookup, writes. */
export async function updateDmarcMonitor(ctx: Context, input: UpdateDmarcMonitorInput): Promise<DmarcMonitor> {
  requirePermission(ctx, Permission.DMARC_MANAGE);
  const monitor = await loadMonitor(ctx, input.id);
  if (input.wantedPolicy) monitor.wantedPolicy = input.wantedPolicy;
  await checkAndApply(ctx, monitor, await monitor.domain.loadOrFail());
  await ctx.em.flush();
  return monitor;
}

/** Checks a monitor's published record now (DMARC_MANAGE). Side effects: DNS lookup, writes. */
export async function checkDmarcMonitor(ctx: Context, input: DmarcMonitorIdInput): Promise<DmarcMonitor> {
  requirePermission(ctx, Permission.DMARC_MANAGE);
  const monitor = await loadMonitor(ctx, input.id);
  await checkAndApply(ctx, monitor, await monitor.domain.loadOrFail());
  await ctx.em.flush();
  return monitor;
}

/**
 * Stops monitoring (DMARC_MANAGE): the monitor and its reports are deleted, its rua address refuses
 * mail from then on, and the domain expects the default DMARC record again. Returns its global id.
 */
export async function deleteDmarcMonitor(ctx: Context, input: DmarcMonitorIdInput): Promise<string> {
  requirePermission(ctx, Permission.DMARC_MANAGE);
  const monitor = await loadMonitor(ctx, input.id);
  const gid = monitor.gid;
  const domain = await monitor.domain.loadOrFail();
  await ctx.em.transactional(async (em) => {
    domain.setDmarcRecord(null, null, dmarcRecordOf({ name: domain.name }));
    em.persist(domain);
    auditDeletion(em, monitor);
    await em.nativeDelete(DmarcMonitor, { id: monitor.id });
  });
  return gid;
}
