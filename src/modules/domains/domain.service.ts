import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type CredentialSubject, publishCredentialsChanged } from '../../auth/credential-cache';
import { Permission } from '../../auth/permissions';
import { isAccountWide, type Scope } from '../../auth/scope';
import { type Context, type JobQueue, requirePermission } from '../../context';
import { SCOPE_FILTER } from '../../db/scope-filter';
import { isUniqueViolation } from '../../db/errors';
import { badInput, forbidden } from '../../graphql/errors';
import { fromGlobalId, toGlobalId } from '../../graphql/global-id';
import { byIdLoader, childrenLoader } from '../../graphql/loaders';
import type { Row } from '../../db/read-rows';
import { type Page, paginateRows } from '../../graphql/pagination';
import { encrypt } from '../../lib/crypto';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { getTenant } from '../tenants/tenant.service';
import { Tenant } from '../tenants/tenant.entity';
import { expectedRecords } from './dns/expected-records';
import { Domain } from './domain.entity';
import { DomainStatus } from './domain.types';
import { domainNameTaken } from './domain.errors';
import type { AddDomainInput, DeleteDomainInput, DomainsArgs } from './domain.inputs';
import { normalizeDomainName, normalizeLabel } from './domain-name';
import { findInScope } from '../../db/find-in-scope';
import { auditDeletion } from '../audit/audit-subscriber';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The graphile-worker task that re-checks a pending domain's DNS. */
export const DOMAIN_RECHECK_TASK = 'domain-recheck';

/** Schedules (or moves) the domain's next automatic re-check, inside the caller's transaction `em`. */
export async function scheduleRecheck(queue: JobQueue, em: EntityManager, domainId: string, runAt: Date): Promise<void> {
  await queue.add(em, DOMAIN_RECHECK_TASK, { domainId }, { runAt, jobKey: `${DOMAIN_RECHECK_TASK}:${domainId}` });
}

/**
 * The credential subjects to publish once domains are deleted: the domains, and the sender
 * identities sending through them (whichever tenant they belong to), which go with them and take
 * their scoped tokens along. Read before the delete; publish after it commits.
 */
export async function deletedDomainSubjects(em: EntityManager, domainIds: readonly string[]): Promise<CredentialSubject[]> {
  if (!domainIds.length) return [];
  const identities = await em.find(SenderIdentity, { domain: { $in: [...domainIds] } }, { fields: ['id'], filters: { [SCOPE_FILTER]: { kind: 'system' } } });
  return [...domainIds.map((id) => `domain:${id}` as const), ...identities.map((i) => `identity:${i.id}` as const)];
}

/** Loads a domain in the caller's scope by global id, or NOT_FOUND naming `field`. No permission check. */
export async function loadDomain(ctx: Context, gid: string, field = 'id'): Promise<Domain> {
  return findInScope(ctx, Domain, 'Domain', gid, field);
}

/** One domain in the caller's scope (DOMAINS_READ), or NOT_FOUND. */
export async function getDomain(ctx: Context, gid: string): Promise<Domain> {
  requirePermission(ctx, Permission.DOMAINS_READ);
  return loadDomain(ctx, gid);
}

/** A page of the domains in the caller's scope (DOMAINS_READ), optionally of one tenant. */
export async function listDomains(ctx: Context, args: DomainsArgs): Promise<Page<Row<Domain>>> {
  requirePermission(ctx, Permission.DOMAINS_READ);
  const where = args.tenantId ? { tenant: fromGlobalId(args.tenantId, 'Tenant', 'tenantId') } : {};
  return paginateRows(ctx.em, Domain, where, args);
}

/** The tenant of a domain, batched; null for an agency domain or a tenant outside the caller's scope. */
export async function domainTenant(ctx: Context, domain: Row<Domain>): Promise<Tenant | null> {
  return domain.tenant ? byIdLoader(ctx, Tenant).load(domain.tenant.id) : null;
}

/** The domains of a tenant in the caller's scope (DOMAINS_READ), batched per request. */
export async function tenantDomains(ctx: Context, tenant: Row<Tenant>, columns?: readonly string[]): Promise<Row<Domain>[]> {
  requirePermission(ctx, Permission.DOMAINS_READ);
  return childrenLoader(ctx, Domain, 'tenant', columns).load(tenant.id);
}

/**
 * Which tenant a new domain goes to: account-wide principals may pick any tenant or none (an agency
 * domain); a tenant-scoped one only its own tenant; others may not add domains (FORBIDDEN).
 */
async function tenantForNewDomain(ctx: Context, scope: Scope, tenantGid: string | null | undefined): Promise<string | null> {
  const accountWide = isAccountWide(scope);
  if (!accountWide && scope.tenantIds.length === 0) throw forbidden('Only an account-wide or tenant-scoped principal can add domains');
  if (tenantGid === null || tenantGid === undefined) {
    if (!accountWide) throw forbidden('A tenant-scoped principal can only add domains to its own tenant; give tenantId');
    return null;
  }
  const tenant = await getTenant(ctx, tenantGid, 'tenantId');
  if (!accountWide && !scope.tenantIds.includes(tenant.id)) throw forbidden('A tenant-scoped principal can only add domains to its own tenant');
  return tenant.id;
}

function subdomains(input: AddDomainInput) {
  const returnPath = normalizeLabel(input.returnPathSubdomain ?? 'mr', 'returnPathSubdomain');
  const tracking = input.trackingSubdomain === null || input.trackingSubdomain === undefined ? null : normalizeLabel(input.trackingSubdomain, 'trackingSubdomain');
  const inbound = input.inboundSubdomain === null || input.inboundSubdomain === undefined ? null : normalizeLabel(input.inboundSubdomain, 'inboundSubdomain');
  if (tracking && tracking === returnPath) throw badInput('trackingSubdomain', 'trackingSubdomain must differ from returnPathSubdomain');
  if (inbound && (inbound === returnPath || inbound === tracking)) throw badInput('inboundSubdomain', 'inboundSubdomain must differ from the return-path and tracking subdomains');
  return { returnPath, tracking, inbound };
}

/** The DKIM selector for a key created at `now`: `mr` + yyyymm. */
export function dkimSelectorFor(now: Date): string {
  return `mr${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A fresh 2048-bit RSA DKIM key pair: base64 SPKI DER public key and PKCS#8 PEM private key. */
export async function generateDkimKeyPair(): Promise<{ publicKey: string; privateKeyPem: string }> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey: publicKey.toString('base64'), privateKeyPem: privateKey };
}

/**
 * Throws CONFLICT when the name is taken for this caller. The rule (see README, "Domain names"):
 * a name is unique within one client (or the agency) and among the account's VERIFIED domains.
 * A scoped caller is told only about its own client's domains, so it learns nothing of other
 * clients; its new domain stays PENDING and cannot win the name from a verified one. An
 * account-wide caller sees every domain anyway and is refused a name the account has verified.
 */
async function assertNameFree(ctx: Context, scope: Scope, tenantId: string | null, name: string): Promise<void> {
  const sameOwner = await ctx.em.count(Domain, { name, tenant: tenantId });
  const accountWide = isAccountWide(scope);
  const verified = accountWide ? await ctx.em.count(Domain, { name, status: DomainStatus.VERIFIED }) : 0;
  if (sameOwner + verified > 0) throw domainNameTaken();
}

/**
 * Adds a domain (DOMAINS_MANAGE) with a new DKIM key (private key encrypted at rest) and its expected
 * records, and schedules its first automatic re-check in the same transaction. CONFLICT on `name`
 * under the rule of `assertNameFree`; an unverified domain of the same name elsewhere in the
 * account never blocks the add (it is released when this one is verified first).
 */
export async function addDomain(ctx: Context, input: AddDomainInput): Promise<Domain> {
  const scope = requirePermission(ctx, Permission.DOMAINS_MANAGE);
  const tenantId = await tenantForNewDomain(ctx, scope, input.tenantId);
  const name = normalizeDomainName(input.name, 'name');
  const sub = subdomains(input);
  await assertNameFree(ctx, scope, tenantId, name);
  const now = ctx.deps.clock.now();
  const key = await generateDkimKeyPair();
  try {
    return await ctx.em.transactional(async (em) => {
      const domain = em.create(Domain, {
        account: scope.accountId,
        tenant: tenantId,
        name,
        dkimSelector: dkimSelectorFor(now),
        dkimPublicKey: key.publicKey,
        dkimPrivateKeyEncrypted: encrypt(ctx.config.secret, key.privateKeyPem),
        returnPathSubdomain: sub.returnPath,
        trackingSubdomain: sub.tracking,
        inboundSubdomain: sub.inbound,
        dnsRecords: [],
        recheckUntil: new Date(now.getTime() + ctx.config.domainRecheckWindowHours * 3600_000),
      });
      domain.dnsRecords = expectedRecords(domain, ctx.config.mailDomain);
      await em.flush();
      await scheduleRecheck(ctx.deps.queue, em, domain.id, new Date(now.getTime() + ctx.config.domainRecheckIntervalSeconds * 1000));
      return domain;
    });
  } catch (e) {
    // Only the same-owner index can be hit here (a new domain is PENDING): the caller's own client.
    if (isUniqueViolation(e)) throw domainNameTaken();
    throw e;
  }
}

/** Deletes a domain in scope (DOMAINS_MANAGE); its identities, templates and tokens go with it. Returns its global id. */
export async function deleteDomain(ctx: Context, input: DeleteDomainInput): Promise<string> {
  requirePermission(ctx, Permission.DOMAINS_MANAGE);
  const domain = await loadDomain(ctx, input.id);
  const gid = toGlobalId('Domain', domain.id);
  // Sender identities, templates and tokens of the domain go with it (foreign keys cascade); a
  // pending re-check job finds no domain and ends.
  const subjects = await deletedDomainSubjects(ctx.em, [domain.id]);
  await ctx.em.transactional(async (em) => {
    auditDeletion(em, domain);
    await em.nativeDelete(Domain, { id: domain.id });
  });
  publishCredentialsChanged(ctx.deps.bus, subjects);
  return gid;
}
