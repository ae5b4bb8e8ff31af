import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission } from '../../auth/permissions';
import type { Config } from '../../config';
import { type Context, type Deps, requirePermission, systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import type { TaskDeps } from '../module';
import { checkDomainDns } from './dns/lookup';
import { Domain } from './domain.entity';
import { DomainStatus } from './domain.types';
import type { VerifyDomainInput } from './domain.inputs';
import { publishDomainStatusChanged } from './domain-events';
import { loadDomain, scheduleRecheck } from './domain.service';

/**
 * Checks a loaded domain's DNS, stores the per-record results and the derived status, schedules the
 * next re-check while the domain is still PENDING (same transaction), and publishes
 * domainStatusChanged after the commit when the status changed. Side effects: DNS lookups, writes.
 */
async function checkAndStore(em: EntityManager, deps: Deps, config: Config, domain: Domain): Promise<Domain> {
  const records = await checkDomainDns(deps.dns, domain, config.mailDomain);
  const now = deps.clock.now();
  const changed = domain.applyCheck(records, now);
  await em.transactional(async (tx) => {
    if (domain.status === DomainStatus.PENDING) {
      await scheduleRecheck(deps.queue, tx, domain.id, new Date(now.getTime() + config.domainRecheckIntervalSeconds * 1000));
    }
  });
  if (changed) publishDomainStatusChanged(deps.bus, domain);
  return domain;
}

/**
 * Checks a domain's DNS now (DOMAINS_MANAGE) and stores the result. A domain whose automatic
 * re-check window has ended gets a fresh one, so a failed domain is re-checked again.
 */
export async function verifyDomain(ctx: Context, input: VerifyDomainInput): Promise<Domain> {
  requirePermission(ctx, Permission.DOMAINS_MANAGE);
  const domain = await loadDomain(ctx, input.domainId, 'domainId');
  const now = ctx.deps.clock.now();
  if (now.getTime() >= domain.recheckUntil.getTime()) {
    domain.extendRecheckWindow(new Date(now.getTime() + ctx.config.domainRecheckWindowHours * 3600_000));
  }
  return checkAndStore(ctx.em, ctx.deps, ctx.config, domain);
}

/**
 * The body of the `domain-recheck` job: re-checks a PENDING domain with a system entity manager
 * (VERIFIED, FAILED or deleted domains are left alone) and returns its status afterwards, or null
 * when the payload is invalid or the domain is gone. Reschedules itself while still PENDING.
 */
export async function runDomainRecheck(td: TaskDeps, payload: unknown): Promise<DomainStatus | null> {
  const domainId = (payload as { domainId?: unknown } | null)?.domainId;
  if (typeof domainId !== 'string' || !isUuid(domainId)) {
    td.deps.logger.warn({ payload }, 'domain-recheck job with an invalid payload');
    return null;
  }
  const em = systemEm(td.orm);
  const domain = await em.findOne(Domain, { id: domainId });
  if (!domain) return null;
  if (domain.status !== DomainStatus.PENDING) return domain.status;
  await checkAndStore(em, td.deps, td.config, domain);
  return domain.status;
}
