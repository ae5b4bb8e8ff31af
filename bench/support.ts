import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { App } from '../src/app';
import { systemEm } from '../src/context';
import { encrypt } from '../src/lib/crypto';
import { createAccountWithAdminToken } from '../src/modules/accounts/bootstrap';
import { Domain } from '../src/modules/domains/domain.entity';
import { generateDkimKeyPair } from '../src/modules/domains/domain.service';
import { DomainStatus } from '../src/modules/domains/domain.types';
import { Tenant } from '../src/modules/tenants/tenant.entity';

/** Runs `jobs` with at most `n` at a time; returns the elapsed seconds. */
export async function timed(jobs: (() => Promise<void>)[], n: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * CPU time (user + system, ms) of these PostgreSQL backends (or of every PostgreSQL process on this
 * machine), read from /proc (Linux; null elsewhere or when none is visible): the database's share of a
 * run, which the server's own `process.cpuUsage` does not see.
 */
export function postgresCpuMs(pids?: readonly number[]): number | null {
  let dirs: string[];
  try {
    dirs = pids ? pids.map(String) : readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const tick = 10; // USER_HZ is 100 on Linux: one tick is 10 ms
  let total = 0;
  let seen = 0;
  for (const pid of dirs) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!name.startsWith('postgres')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
      total += (Number(fields[11]) + Number(fields[12])) * tick;
      seen++;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return seen ? total : null;
}

/** A database of its own on DATABASE_URL's server, so no other worker takes this run's jobs. */
export async function benchDatabase(prefix: string): Promise<{ url: string | null; drop(): Promise<void> }> {
  const admin = process.env.DATABASE_URL;
  if (!admin) return { url: null, drop: async () => undefined };
  const name = `mailroom_bench_${prefix}_${process.pid}`;
  const sql = async (q: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(q).finally(() => c.end());
  };
  await sql(`create database ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => sql(`drop database if exists ${name} with (force)`) };
}

/** An account with its admin token and a verified tenant domain `bench-sender.example.com` (its DKIM key made here). */
export async function seedSendingDomain(app: App): Promise<{ token: string; domainName: string; domainId: string }> {
  const { account, secret } = await createAccountWithAdminToken(app.orm, 'Bench agency');
  const em = systemEm(app.orm);
  const tenant = em.create(Tenant, { account: account.id, name: 'Bench client', tag: 'bench' });
  const domain = verifiedDomain(app, em, await generateDkimKeyPair(), { account: account.id, tenant: tenant.id, name: 'bench-sender.example.com' });
  await em.flush();
  return { token: secret, domainName: domain.name, domainId: domain.id };
}

/** A VERIFIED domain (created in `em`, flushed by the caller) signing with `key`: how the benchmarks seed their senders. */
export function verifiedDomain(app: App, em: ReturnType<typeof systemEm>, key: { publicKey: string; privateKeyPem: string }, o: { account: string; tenant: string | null; name: string }): Domain {
  return em.create(Domain, {
    ...o,
    status: DomainStatus.VERIFIED,
    dkimSelector: 'mr1',
    dkimPublicKey: key.publicKey,
    dkimPrivateKeyEncrypted: encrypt(app.config.secret, key.privateKeyPem),
    returnPathSubdomain: 'mr',
    dnsRecords: [],
    recheckUntil: new Date(),
    verifiedAt: new Date(),
  });
}
