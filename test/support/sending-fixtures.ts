import { Resolver } from 'node:dns/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { authenticate, type AuthenticateResult } from 'mailauth';
import { Permission } from '../../src/auth/permissions';
import type { Config } from '../../src/config';
import { systemEm } from '../../src/context';
import { createDnsLookup } from '../../src/deps';
import { fromGlobalId, toGlobalId } from '../../src/graphql/global-id';
import type { Domain } from '../../src/modules/domains/domain.entity';
import { SenderIdentity, SenderIdentityStatus } from '../../src/modules/identities/sender-identity.entity';
import { AddDomainDocument, type DomainFieldsFragment, type SendEmailInput, SendingMessageDocument, type SendingMessageQuery, VerifyDomainDocument } from '../generated/graphql';
import { startDnsServer, type TestDnsServer, type TestRecord } from './dns-server';
import { buildTenant, insertApiToken, insertDomain, unique } from './factories';
import { ok, startTestServer, type TestServer } from './harness';
import { type SmtpSink, startSmtpSink } from './smtp-sink';

/** A server running its worker in direct mode, a loopback DNS server and an SMTP sink that every MX points to. */
export interface SendingEnv {
  s: TestServer;
  dns: TestDnsServer;
  sink: SmtpSink;
  stop(): Promise<void>;
}

/** The recipient domain of the tests: its MX is the sink on 127.0.0.1. */
export const INBOX_DOMAIN = 'inbox.example.test';

/**
 * A database of its own (on the test run's server, built by the migrations at start-up): the job
 * queue lives in the database, and a worker of another test file must not deliver this file's mail.
 */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = inject('adminDatabaseUrl');
  const name = `mailroom_sending_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`create database ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

/**
 * Starts the server on a database of its own (worker on, direct delivery to the sink, 1 s retry
 * base), a DNS server and the sink. Nothing leaves 127.0.0.1.
 */
export async function startSendingEnv(overrides: Partial<Config> = {}): Promise<SendingEnv> {
  const db = await freshDatabase();
  const dns = await startDnsServer();
  const sink = await startSmtpSink();
  dns.set(INBOX_DOMAIN, [{ type: 'MX', value: '127.0.0.1', priority: 10 }]);
  const s = await startTestServer(
    { databaseUrl: db.url, runWorker: true, deliveryMode: 'direct', mxPort: sink.port, deliveryRetryBaseSeconds: 1, dnsServers: [dns.address], smtpTimeoutSeconds: 10, ...overrides },
    { deps: { dns: createDnsLookup([dns.address], 1000) } },
  );
  return {
    s,
    dns,
    sink,
    async stop() {
      await s.stop();
      await sink.close();
      await dns.close();
      await db.drop();
    },
  };
}

/** A fresh recipient address whose mail goes to the sink. */
export const inbox = (prefix = 'rcpt') => `${unique(prefix)}@${INBOX_DOMAIN}`;

/** The uuid inside a global id. */
export const uuidOf = (gid: string, type = 'Message') => fromGlobalId(gid, type, 'id');

/** A fresh account with a tenant, a VERIFIED tenant domain (inserted) and a tenant token with EMAIL_SEND and ACTIVITY_READ. */
export async function tenantWithDomain(env: SendingEnv) {
  const { accountId, adminToken } = await env.s.newAccount();
  const tenantId = await buildTenant(env.s, adminToken, 'Client');
  const tenantUuid = uuidOf(tenantId, 'Tenant');
  const domain = await insertDomain(env.s, { accountId, tenantUuid });
  const permissions = [Permission.EMAIL_SEND, Permission.ACTIVITY_READ, Permission.ACTIVITY_CONTENT_READ, Permission.TEMPLATES_MANAGE, Permission.TEMPLATES_READ];
  const { secret: token } = await insertApiToken(env.s, { accountId, permissions, tenantUuid });
  return { accountId, adminToken, tenantId, tenantUuid, domain, domainId: toGlobalId('Domain', domain.id), token };
}

/** Inserts a sender identity (CONFIRMED unless told otherwise) of a tenant on a domain. */
export async function insertIdentity(env: SendingEnv, o: { accountId: string; tenantUuid: string; domain: Domain; email?: string; status?: SenderIdentityStatus; replyToEmail?: string }) {
  const em = systemEm(env.s.app.orm);
  const identity = em.create(SenderIdentity, {
    account: o.accountId,
    tenant: o.tenantUuid,
    domain: o.domain.id,
    email: o.email ?? `${unique('me')}@client-owned.example`,
    name: 'Client Person',
    replyToEmail: o.replyToEmail ?? null,
    status: o.status ?? SenderIdentityStatus.CONFIRMED,
    confirmedAt: (o.status ?? SenderIdentityStatus.CONFIRMED) === SenderIdentityStatus.CONFIRMED ? new Date() : null,
  });
  await em.flush();
  return identity;
}

/** Adds a domain through the API, publishes its records in the test DNS and verifies it: the DKIM TXT is exactly what addDomain asked for. */
export async function addVerifiedDomain(env: SendingEnv, token: string, tenantId: string | null): Promise<DomainFieldsFragment> {
  const d = ok(await env.s.gql(AddDomainDocument, { input: { name: `${unique('send')}.example.com`, tenantId } }, token)).addDomain.domain;
  for (const r of d.dnsRecords) {
    const rec: TestRecord = r.type === 'MX' ? { type: 'MX', value: r.value, priority: r.priority ?? 10 } : { type: r.type as 'TXT' | 'CNAME', value: r.value };
    env.dns.set(r.hostname, [rec]);
  }
  const v = ok(await env.s.gql(VerifyDomainDocument, { input: { domainId: d.id } }, token)).verifyDomain.domain;
  if (v.status !== 'VERIFIED') throw new Error(`domain not verified: ${JSON.stringify(v.dnsRecords)}`);
  return v;
}

/** Publishes an inserted domain's DKIM key (factory selector) in the test DNS. */
export function publishDkim(env: SendingEnv, domain: Domain): void {
  env.dns.set(`${domain.dkimSelector}._domainkey.${domain.name}`, [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${domain.dkimPublicKey}` }]);
}

/** A minimal valid send input. */
export function mail(from: string, to: string, over: Partial<SendEmailInput> = {}): SendEmailInput {
  return { from: { email: from, name: 'Sender' }, to: [{ email: to, name: 'Reader' }], subject: 'Hello', text: 'Hi there', html: '<p>Hi there</p>', ...over };
}

type Msg = NonNullable<SendingMessageQuery['message']>;

/** Polls message(id) until its status is one of `statuses`. */
export async function waitForStatus(env: SendingEnv, token: string, gid: string, statuses: string[], timeoutMs = 20_000): Promise<Msg> {
  const started = Date.now();
  for (;;) {
    const m = ok(await env.s.gql(SendingMessageDocument, { id: gid }, token)).message;
    if (statuses.includes(m.status)) return m;
    if (Date.now() - started > timeoutMs) throw new Error(`message ${gid} is ${m.status}, expected ${statuses.join('/')}; events ${JSON.stringify(m.events)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Verifies a raw message with mailauth, answering its DNS questions from the test DNS server only. */
export async function verifyWithMailauth(env: SendingEnv, raw: string, mailFrom: string): Promise<AuthenticateResult> {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([env.dns.address]);
  const resolver = (name: string, rrtype: string) => r.resolve(name, rrtype) as Promise<string[][] | string[]>;
  return authenticate(raw, { resolver, trustReceived: false, sender: mailFrom, ip: '127.0.0.1', helo: 'mailroom.test', mta: 'sink.example.test', disableArc: true, disableBimi: true });
}

/** One header's value (unfolded) from a raw message's header block. */
export function header(raw: string, name: string): string | null {
  const head = raw.split(/\r\n\r\n/)[0].replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : null;
}
