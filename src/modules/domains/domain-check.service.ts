import type { EntityManager } from '@mikro-orm/postgresql';
import { type CredentialSubject, publishCredentialsChanged } from '../../auth/credential-cache';
import { Permission } from '../../auth/permissions';
import type { Config } from '../../config';
import { type Context, type Deps, requirePermission, systemEm } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { insertPlatformEvents } from '../../events/platform-events.queries';
import { SCOPE_FILTER } from '../../db/scope-filter';
import { conflict } from '../../graphql/errors';
import { isUuid } from '../../lib/ids';
import type { TaskDeps } from '../module';
import { checkDomainDns } from './dns/lookup';
import { Domain } from './domain.entity';
import { DomainStatus } from './domain.types';
import type { VerifyDomainInput } from './domain.inputs';
import { publishDomainStatusChanged } from './domain-events';
import { deletedDomainSubjects, loadDomain, scheduleRecheck } from './domain.service';

/** Account-wide reads for the name rule: the other domains of the name are not the caller's to see, but the rule depends on them. */
const ALL_ROWS = { filters: { [SCOPE_FILTER]: { kind: 'system' } } } as const;

/**
 * Checks a loaded domain's DNS, stores the per-record results and the derived status, schedules the
 * next re-check while the domain is still PENDING (same transaction), and publishes
 * domainStatusChanged after the commit when the status changed. A domain whose name another domain
 * of the account has already verified cannot become VERIFIED (the first proof wins); a domain that
 * becomes VERIFIED releases the account's unverified claims on the same name (they are deleted,
 * with what hangs off them, as by deleteDomain). A status change is also recorded as a
 * DOMAIN_STATUS_CHANGED platform event in the same transaction. Side effects: DNS lookups, writes.
 */
async function checkAndStore(em: EntityManager, deps: Deps, config: Config, domain: Domain): Promise<Domain> {
  const records = await checkDomainDns(deps.dns, domain, config.mailDomain);
  const now = deps.clock.now();
  const sameName = { account: domain.account.id, name: domain.name, id: { $ne: domain.id } };
  const claimable = (await em.count(Domain, { ...sameName, status: DomainStatus.VERIFIED }, ALL_ROWS)) === 0;
  const previousStatus = domain.status;
  const changed = domain.applyCheck(records, now, claimable);
  let released: CredentialSubject[] = [];
  try {
    await em.transactional(async (tx) => {
      if (changed && domain.status === DomainStatus.VERIFIED) {
        const claims = await tx.find(Domain, { ...sameName, status: { $ne: DomainStatus.VERIFIED } }, { ...ALL_ROWS, fields: ['id'] });
        released = await deletedDomainSubjects(
          tx,
          claims.map((c) => c.id),
        );
        await tx.nativeDelete(Domain, { ...sameName, status: { $ne: DomainStatus.VERIFIED } }, ALL_ROWS);
      }
      if (domain.status === DomainStatus.PENDING) {
        await scheduleRecheck(deps.queue, tx, domain.id, new Date(now.getTime() + config.domainRecheckIntervalSeconds * 1000));
      }
      if (changed) {
        const data = { name: domain.name, status: domain.status, previousStatus };
        await insertPlatformEvents(tx, [
          { type: 'DOMAIN_STATUS_CHANGED', accountId: domain.account.id, tenantId: domain.tenant?.id ?? null, domainId: domain.id, senderIdentityId: null, subjectId: domain.id, data },
        ]);
      }
    });
  } catch (e) {
    // Two domains of one name proved ownership at the same instant: the other committed first.
    if (isUniqueViolation(e)) throw conflict('domainId', 'The domain changed while it was checked; check it again');
    throw e;
  }
  if (changed) publishDomainStatusChanged(deps.bus, domain);
  // Tokens scoped to a released claim went with it.
  if (released.length) publishCredentialsChanged(deps.bus, released);
  return domain;
}

/**
 * Checks a domain's DNS now (DOMAINS_MANAGE) and stores the result. A domain whose automatic
 * re-check window has ended gets a fresh one, so a failed domain is re-checked again. The sandbox
 * domain is answered as it is.
 */
export async function verifyDomain(ctx: Context, input: VerifyDomainInput): Promise<Domain> {
  requirePermission(ctx, Permission.DOMAINS_MANAGE);
  const domain = await loadDomain(ctx, input.domainId, 'domainId');
  // Verified by construction, with no public DNS to look up.
  if (domain.sandbox) return domain;
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
