import { generateKeyPairSync } from 'node:crypto';
import { systemEm } from '../../src/context';
import { Permission } from '../../src/auth/permissions';
import { generateSecret } from '../../src/auth/token-format';
import { encrypt, sha256 } from '../../src/lib/crypto';
import { ApiToken } from '../../src/modules/api-tokens/api-token.entity';
import { Domain } from '../../src/modules/domains/domain.entity';
import { DomainStatus } from '../../src/modules/domains/domain.types';
import { Tenant } from '../../src/modules/tenants/tenant.entity';
import { CreateTenantDocument } from '../generated/graphql';
import { ok, type TestServer } from './harness';

let keyPair: { publicKey: string; privateKey: string } | null = null;
function testKeyPair() {
  keyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }) as unknown as {
    publicKey: string;
    privateKey: string;
  };
  return keyPair;
}

let seq = 0;
/** A unique name for this test process. */
export function unique(prefix: string): string {
  seq += 1;
  return `${prefix}${process.pid}x${Date.now().toString(36)}${seq}`;
}

/** Creates a tenant through GraphQL; returns its global id. */
export async function buildTenant(s: TestServer, token: string, name = 'Client'): Promise<string> {
  return ok(await s.gql(CreateTenantDocument, { input: { name, tag: unique('t') } }, token)).createTenant.tenant.id;
}

/**
 * Inserts a domain row straight into the database (for tests of other features that need a domain
 * in a given state without going through DNS). `tenantUuid` null = an agency domain.
 */
export async function insertDomain(s: TestServer, opts: { accountId: string; tenantUuid?: string | null; name?: string; status?: DomainStatus }): Promise<Domain> {
  const em = systemEm(s.app.orm);
  const kp = testKeyPair();
  const domain = em.create(Domain, {
    account: opts.accountId,
    tenant: opts.tenantUuid ?? null,
    name: opts.name ?? `${unique('d')}.example.test`,
    status: opts.status ?? DomainStatus.VERIFIED,
    dkimSelector: 'mr1',
    dkimPublicKey: Buffer.from(kp.publicKey).toString('base64'),
    dkimPrivateKeyEncrypted: encrypt(s.app.config.secret, kp.privateKey),
    returnPathSubdomain: 'mr',
    dnsRecords: [],
    recheckUntil: new Date(Date.now() + 72 * 3600_000),
    verifiedAt: (opts.status ?? DomainStatus.VERIFIED) === DomainStatus.VERIFIED ? new Date() : null,
  });
  await em.flush();
  return domain;
}

/** Inserts an API token straight into the database; returns its secret. Scope: at most one of the uuids. */
export async function insertApiToken(
  s: TestServer,
  opts: { accountId: string; permissions: Permission[]; tenantUuid?: string; domainUuid?: string; identityUuid?: string; name?: string; expiresAt?: Date; paused?: boolean; revoked?: boolean },
): Promise<{ secret: string; tokenUuid: string }> {
  const em = systemEm(s.app.orm);
  const secret = generateSecret('api');
  const token = em.create(ApiToken, {
    account: opts.accountId,
    name: opts.name ?? 'test token',
    permissions: opts.permissions,
    tenant: opts.tenantUuid ?? null,
    domain: opts.domainUuid ?? null,
    senderIdentity: opts.identityUuid ?? null,
    secretHash: sha256(secret),
    preview: secret.slice(0, 12),
    expiresAt: opts.expiresAt ?? null,
    pausedAt: opts.paused ? new Date() : null,
    revokedAt: opts.revoked ? new Date() : null,
  });
  await em.flush();
  return { secret, tokenUuid: token.id };
}

/** Inserts tenants A and B in an account, each with a domain of its own; returns the four rows. */
export async function insertTwoTenants(s: TestServer, accountId: string) {
  const em = systemEm(s.app.orm);
  const tA = em.create(Tenant, { account: accountId, name: 'A', tag: unique('a') });
  const tB = em.create(Tenant, { account: accountId, name: 'B', tag: unique('b') });
  await em.flush();
  const dA = await insertDomain(s, { accountId, tenantUuid: tA.id });
  const dB = await insertDomain(s, { accountId, tenantUuid: tB.id });
  return { tA, tB, dA, dB };
}
