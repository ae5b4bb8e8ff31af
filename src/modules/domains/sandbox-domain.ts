import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import { encrypt } from '../../lib/crypto';
import { badInput } from '../../graphql/errors';
import { expectedRecords } from './dns/expected-records';
import { Domain } from './domain.entity';
import { dkimSelectorFor, generateDkimKeyPair } from './domain.service';
import { DnsRecordStatus, DomainStatus } from './domain.types';

/** The sandbox domain's name: `sandbox.<MAILROOM_MAIL_DOMAIN>`. */
export function sandboxDomainName(config: Config): string {
  return `sandbox.${config.mailDomain}`;
}

/**
 * Gives an account its sandbox domain (an agency domain, no tenant) when DELIVERY_MODE=sandbox and
 * it has none: VERIFIED by construction — its records are the platform's own, nothing to publish —
 * so a first session can send at once; the messages are stored and never leave the server. Returns
 * the domain, or null in another mode. Side effects: one insert (and a DKIM key generated).
 */
export async function ensureSandboxDomain(em: EntityManager, accountId: string, config: Config, now: Date): Promise<Domain | null> {
  if (config.deliveryMode !== 'sandbox') return null;
  const existing = await em.findOne(Domain, { account: accountId, sandbox: true });
  if (existing) return existing;
  const key = await generateDkimKeyPair();
  const domain = em.create(Domain, {
    account: accountId,
    tenant: null,
    name: sandboxDomainName(config),
    sandbox: true,
    status: DomainStatus.VERIFIED,
    verifiedAt: now,
    lastCheckedAt: now,
    dkimSelector: dkimSelectorFor(now),
    dkimPublicKey: key.publicKey,
    dkimPrivateKeyEncrypted: encrypt(config.secret, key.privateKeyPem),
    returnPathSubdomain: 'mr',
    dnsRecords: [],
    recheckUntil: now,
  });
  domain.dnsRecords = expectedRecords(domain, config.mailDomain).map((r) =>
    Object.assign(r, { status: DnsRecordStatus.VERIFIED, note: 'The sandbox domain is verified by construction: nothing to publish.' }),
  );
  await em.flush();
  return domain;
}

/** Refuses a send from the sandbox domain outside DELIVERY_MODE=sandbox (BAD_USER_INPUT on from.email). */
export function assertSandboxUsable(domain: Domain, config: Config): void {
  if (domain.sandbox && config.deliveryMode !== 'sandbox') {
    throw badInput('from.email', `The sandbox domain ${domain.name} sends only with DELIVERY_MODE=sandbox; add and verify a domain of your own`);
  }
}
