import { generateKeyPairSync } from 'node:crypto';
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { systemEm } from '../src/context';
import { ormOptions } from '../src/db/orm';
import { encrypt, sha256 } from '../src/lib/crypto';
import { ENTITIES } from '../src/modules/modules';
import { Domain } from '../src/modules/domains/domain.entity';
import { DomainStatus } from '../src/modules/domains/domain.types';
import { SenderIdentity, SenderIdentityStatus } from '../src/modules/identities/sender-identity.entity';
import { Template } from '../src/modules/templates/template.entity';
import { Tenant } from '../src/modules/tenants/tenant.entity';

/** Shape of the seeded dashboard data. */
export interface SeedShape {
  tenants: number;
  domainsPerTenant: number;
  templatesPerDomain: number;
  identitiesPerTenant: number;
}

/** Seeds an account's tenants, domains, templates and identities straight through the ORM (one flush). */
export async function seedDashboard(orm: MikroORM, accountId: string, secret: Buffer, shape: SeedShape): Promise<void> {
  const em = systemEm(orm);
  const kp = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const sealed = encrypt(secret, kp.privateKey as unknown as string);
  const agency = em.create(Domain, {
    account: accountId,
    tenant: null,
    name: `agency-${accountId.slice(0, 8)}.example.com`,
    status: DomainStatus.VERIFIED,
    dkimSelector: 'mr1',
    dkimPublicKey: (kp.publicKey as unknown as Buffer).toString('base64'),
    dkimPrivateKeyEncrypted: sealed,
    returnPathSubdomain: 'mr',
    dnsRecords: [],
    recheckUntil: new Date(),
  });
  for (let t = 0; t < shape.tenants; t++) {
    const tenant = em.create(Tenant, { account: accountId, name: `Client ${t}`, tag: `client-${t}` });
    for (let d = 0; d < shape.domainsPerTenant; d++) {
      const domain = em.create(Domain, {
        account: accountId,
        tenant,
        name: `c${t}-d${d}-${accountId.slice(0, 8)}.example.com`,
        status: DomainStatus.VERIFIED,
        dkimSelector: 'mr1',
        dkimPublicKey: (kp.publicKey as unknown as Buffer).toString('base64'),
        dkimPrivateKeyEncrypted: sealed,
        returnPathSubdomain: 'mr',
        dnsRecords: [],
        recheckUntil: new Date(),
      });
      for (let p = 0; p < shape.templatesPerDomain; p++) {
        em.create(Template, { account: accountId, domain, tenant, name: `Template ${p}`, subject: 'Hello {{ name }}', html: '<p>Hello {{ name }}</p>', variables: ['name'] });
      }
    }
    for (let i = 0; i < shape.identitiesPerTenant; i++) {
      em.create(SenderIdentity, { account: accountId, tenant, domain: agency, email: `c${t}-s${i}@${agency.name}`, status: SenderIdentityStatus.CONFIRMED, confirmedAt: new Date() });
    }
  }
  await em.flush();
}

/**
 * `node dist/bench/seed.js`: seeds the dashboard shape into the account of MAILROOM_BOOTSTRAP_TOKEN on
 * DATABASE_URL (the database a Mailroom start already migrated and bootstrapped), with MAILROOM_SECRET.
 * Side effects: writes the rows.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const token = process.env.MAILROOM_BOOTSTRAP_TOKEN;
  const secret = process.env.MAILROOM_SECRET;
  if (!url || !token || !secret) throw new Error('seed needs DATABASE_URL, MAILROOM_BOOTSTRAP_TOKEN and MAILROOM_SECRET');
  const orm = await MikroORM.init(ormOptions(url, ENTITIES));
  try {
    const [row] = await orm.em.getConnection().execute<{ account_id: string }[]>('select account_id from api_tokens where secret_hash = ?', [sha256(token)]);
    if (!row) throw new Error('no account holds MAILROOM_BOOTSTRAP_TOKEN');
    await seedDashboard(orm, row.account_id, Buffer.from(secret, 'utf8'), { tenants: 25, domainsPerTenant: 4, templatesPerDomain: 5, identitiesPerTenant: 2 });
  } finally {
    await orm.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
