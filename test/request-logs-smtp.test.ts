import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport, type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { sha256 } from '../src/lib/crypto';
import type { Domain } from '../src/modules/domains/domain.entity';
import { SmtpUser } from '../src/modules/smtp-relay/smtp-user.entity';
import { insertApiToken, insertTwoTenants, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { subscribe } from './support/ws-client';

const TLS_DIR = join(__dirname, 'fixtures', 'smtp-tls');
const CA = readFileSync(join(TLS_DIR, 'cert.pem'));
/** Per-credential limit (SMTP users and the readers' tokens alike): each reader makes fewer calls. */
const LIMIT = 8;
const MAX_BYTES = 64 * 1024;
const HELO = 'app.client-a.test';

let s: TestServer;
beforeAll(async () => {
  // No worker: the messages stay queued (nothing is delivered), which is all the request log needs.
  s = await startTestServer({
    smtpSubmissionPort: 0,
    smtpTlsCert: join(TLS_DIR, 'cert.pem'),
    smtpTlsKey: join(TLS_DIR, 'key.pem'),
    smtpSubmissionMaxBytes: MAX_BYTES,
    rateLimitApiPerCredential: LIMIT,
    rateLimitApiWindowSeconds: 600,
  });
});
afterAll(() => s?.stop());

/** Inserts an enabled SMTP user of a domain; returns its global id and credentials. */
async function insertSmtpUser(accountId: string, domain: Domain, name = 'App') {
  const em = systemEm(s.app.orm);
  const pass = unique('pass-');
  const user = em.create(SmtpUser, { account: accountId, name, username: unique('smtp_'), passwordHash: sha256(pass), domain: domain.id });
  await em.flush();
  return { uuid: user.id, gid: toGlobalId('SmtpUser', user.id), auth: { user: user.username, pass } };
}

/** A STARTTLS transport to the submission server that greets with HELO; `pool`: one connection kept for several messages (AUTH once). */
function transport(auth: { user: string; pass: string }, pool = false) {
  return createTransport({ host: '127.0.0.1', port: s.app.smtpSubmissionPort!, requireTLS: true, tls: { ca: CA, servername: 'localhost' }, name: HELO, auth, pool, maxConnections: 1 });
}

/** Sends one message; resolves with the reply code and text (a refusal too). */
async function send(auth: { user: string; pass: string }, message: SendMailOptions): Promise<{ code: number; response: string }> {
  const t = transport(auth);
  try {
    const info = await t.sendMail(message);
    return { code: 250, response: info.response };
  } catch (e) {
    const err = e as { responseCode?: number; response?: string };
    return { code: err.responseCode ?? 0, response: err.response ?? '' };
  } finally {
    t.close();
  }
}

const LOGS = `query Logs($filter: RequestLogFilterInput) {
  requestLogs(filter: $filter, first: 100) {
    totalCount
    edges { node { id requestId transport principal { kind tokenId memberId smtpUserId name } operationType operationName fields outcome codes status durationMs bytes ip userAgent tenantIds domainIds } }
  }
}`;
const ONE = `query One($id: ID!) { requestLog(id: $id) { id transport request response } }`;
const LIVE = 'subscription Live($filter: RequestLogFilterInput) { requestLogged(filter: $filter) { id transport operationName principal { kind name } } }';

type LogNode = {
  id: string;
  requestId: string;
  transport: string;
  principal: { kind: string; tokenId: string | null; memberId: string | null; smtpUserId: string | null; name: string };
  operationType: string;
  operationName: string | null;
  fields: string[];
  outcome: string;
  codes: string[];
  status: number | null;
  durationMs: number;
  bytes: number;
  ip: string | null;
  userAgent: string | null;
  tenantIds: string[];
  domainIds: string[];
};

async function logs(token: string, filter: Record<string, unknown> = {}): Promise<{ totalCount: number; nodes: LogNode[] }> {
  await s.app.requestLog!.flush();
  const data = ok(await s.gql<{ requestLogs: { totalCount: number; edges: { node: LogNode }[] } }, unknown>(LOGS, { filter }, token)).requestLogs;
  return { totalCount: data.totalCount, nodes: data.edges.map((e) => e.node) };
}

/** An account with tenants A and B (a domain each), an SMTP user of A's domain, and LOGS_READ tokens: A's domain, A's tenant, B's domain, account-wide. */
async function world() {
  const a = await s.newAccount();
  const { tA, tB, dA, dB } = await insertTwoTenants(s, a.accountId);
  const perms = [Permission.LOGS_READ];
  const readers = {
    domainA: await insertApiToken(s, { accountId: a.accountId, permissions: perms, domainUuid: dA.id, name: 'domain A reader' }),
    tenantA: await insertApiToken(s, { accountId: a.accountId, permissions: perms, tenantUuid: tA.id, name: 'tenant A reader' }),
    domainB: await insertApiToken(s, { accountId: a.accountId, permissions: perms, domainUuid: dB.id, name: 'domain B reader' }),
    account: await insertApiToken(s, { accountId: a.accountId, permissions: perms, name: 'account reader' }),
  };
  const smtp = await insertSmtpUser(a.accountId, dA);
  return { ...a, tA, tB, dA, dB, readers, smtp };
}

describe('request logs of SMTP submission', () => {
  it('an SMTP user’s accepted and refused messages are logged under it (SMTP, SMTP_USER, reply code, envelope only); A’s tokens see them, B’s domain token never does', async () => {
    const w = await world();
    const filter = { smtpUserIds: [w.smtp.gid] };
    const mineLive = subscribe<{ transport: string; principal: { kind: string } }>(s.url, w.readers.domainA.secret, LIVE, { filter }, (d) => d.requestLogged);
    const theirLive = subscribe<{ id: string; transport: string }>(s.url, w.readers.domainB.secret, LIVE, {}, (d) => d.requestLogged);
    await new Promise((r) => setTimeout(r, 300));

    const [to, bcc] = [`${unique('to')}@inbox.example.test`, `${unique('bcc')}@inbox.example.test`];
    const from = `news@${w.dA.name}`;
    const accepted = await send(w.smtp.auth, {
      from,
      to,
      bcc,
      subject: 'Secret subject 4711',
      text: 'Secret body 4711',
      attachments: [{ filename: 'secret-4711.pdf', content: Buffer.from('%PDF-1.4 secret'), contentType: 'application/pdf' }],
    });
    expect(accepted.code).toBe(250);
    const refused = await send(w.smtp.auth, { from: `ceo@${w.dB.name}`, to, subject: 'Secret subject 4712', text: 'Secret body 4712' });
    expect(refused.code).toBe(550);

    const mine = await logs(w.readers.domainA.secret, filter);
    expect(mine.totalCount).toBe(2);
    const [no, yes] = mine.nodes;
    const common = {
      transport: 'SMTP',
      principal: { kind: 'SMTP_USER', tokenId: null, memberId: null, smtpUserId: w.smtp.gid, name: 'SMTP user App' },
      operationType: 'MUTATION',
      operationName: 'SMTP DATA',
      fields: ['sendEmail'],
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: HELO,
      tenantIds: [toGlobalId('Tenant', w.tA.id)],
      domainIds: [toGlobalId('Domain', w.dA.id)],
      requestId: expect.stringMatching(/^smtp-/),
    };
    expect(yes).toMatchObject({ ...common, status: 250, outcome: 'OK', codes: [] });
    expect(no).toMatchObject({ ...common, status: 550, outcome: 'ERROR', codes: ['BAD_USER_INPUT'] });
    expect(yes.bytes).toBeGreaterThan(200);
    expect(yes.durationMs).toBeGreaterThanOrEqual(0);
    expect(yes.requestId).not.toBe(no.requestId);

    // The request is the envelope (recipients kept, as REST keeps them); the response the reply and the ids queued.
    const one = async (id: string, token: string) => ok(await s.gql<{ requestLog: { request: any; response: any } }, unknown>(ONE, { id }, token)).requestLog;
    const yesFull = await one(yes.id, w.readers.domainA.secret);
    expect(yesFull.request).toEqual({ mailFrom: from, rcptTo: [to, bcc], rcptCount: 2 });
    const queued = /queued as (\S+)/.exec(accepted.response)![1];
    expect(yesFull.response.reply).toMatch(/^250 2\.0\.0 Ok: queued as \S+ \(\+1 more\)$/);
    expect(yesFull.response.messageIds).toHaveLength(2);
    expect(yesFull.response.messageIds[0]).toBe(queued);
    const noFull = await one(no.id, w.readers.domainA.secret);
    expect(noFull.request).toEqual({ mailFrom: `ceo@${w.dB.name}`, rcptTo: [to], rcptCount: 1 });
    expect(noFull.response).toEqual({ reply: expect.stringMatching(/^550 5\.7\.1 Sender not allowed for this SMTP user: from\.email/), messageIds: [] });
    expect(JSON.stringify([yesFull, noFull])).not.toMatch(/Secret|4711|4712|PDF/);

    // A's tenant token and the account-wide reader see them; the tenant filter finds them.
    expect((await logs(w.readers.tenantA.secret, filter)).nodes.map((n) => n.status)).toEqual([550, 250]);
    expect((await logs(w.readers.account.secret, { tenantId: toGlobalId('Tenant', w.tA.id), operationNames: ['SMTP DATA'] })).totalCount).toBe(2);

    // B's domain token: nothing listed, nothing loaded by id (NOT_FOUND), nothing streamed.
    expect((await logs(w.readers.domainB.secret, filter)).totalCount).toBe(0);
    expect((await logs(w.readers.domainB.secret)).nodes.filter((n) => n.transport === 'SMTP')).toEqual([]);
    expect(errorCode(await s.gql(ONE, { id: yes.id }, w.readers.domainB.secret))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(ONE, { id: no.id }, w.readers.domainB.secret))).toBe('NOT_FOUND');
    const live = await mineLive.waitFor(2);
    expect(live.filter((i) => i.transport === 'SMTP').map((i) => i.principal.kind)).toEqual(['SMTP_USER', 'SMTP_USER']);
    await new Promise((r) => setTimeout(r, 300));
    expect(theirLive.items.filter((i) => i.transport === 'SMTP' || i.id === yes.id || i.id === no.id)).toEqual([]);
    // Another account's admin neither.
    const other = await s.newAccount();
    expect((await logs(other.adminToken, filter)).totalCount).toBe(0);
    expect(errorCode(await s.gql(ONE, { id: yes.id }, other.adminToken))).toBe('NOT_FOUND');
    await Promise.all([mineLive.close(), theirLive.close()]);
  });

  it('refusals after AUTH are logged under the SMTP user (552 too big, 451 rate limited, 550 disabled since AUTH); a failed AUTH is not logged', async () => {
    const w = await world();
    const from = `app@${w.dA.name}`;
    const to = `${unique('to')}@inbox.example.test`;
    const big = await send(w.smtp.auth, { from, to, subject: 'Big', text: 'x', attachments: [{ filename: 'big.pdf', content: Buffer.alloc(MAX_BYTES, 0x41), contentType: 'application/pdf' }] });
    expect(big.code).toBe(552);
    // The limit: LIMIT messages pass, the next is refused with 451.
    for (let i = 0; i < LIMIT; i++) expect((await send(w.smtp.auth, { from, to, subject: `n${i}`, text: 'x' })).code).toBe(250);
    expect(await send(w.smtp.auth, { from, to, subject: 'over', text: 'x' })).toMatchObject({ code: 451, response: expect.stringMatching(/4\.7\.0/) });

    // Disabled after AUTH: a pooled connection authenticates with a second user, which is disabled before its next message.
    const later = await insertSmtpUser(w.accountId, w.dA, 'Later');
    const pooled = transport(later.auth, true);
    try {
      await pooled.sendMail({ from, to, subject: 'first', text: 'x' });
      await systemEm(s.app.orm).nativeUpdate(SmtpUser, { id: later.uuid }, { enabled: false });
      await expect(pooled.sendMail({ from, to, subject: 'second', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    } finally {
      pooled.close();
    }
    // A wrong password and an unknown user are refused at AUTH (535): no message transaction, no row.
    expect((await send({ user: w.smtp.auth.user, pass: 'wrong' }, { from, to, subject: 'x', text: 'x' })).code).toBe(535);
    expect((await send({ user: 'smtp_nobody', pass: 'wrong' }, { from, to, subject: 'x', text: 'x' })).code).toBe(535);

    const first = await logs(w.readers.domainA.secret, { smtpUserIds: [w.smtp.gid] });
    expect(first.nodes.map((n) => [n.status, n.outcome, n.codes])).toEqual([
      [451, 'ERROR', ['RATE_LIMITED']],
      ...Array.from({ length: LIMIT }, () => [250, 'OK', []]),
      [552, 'ERROR', ['BAD_USER_INPUT']],
    ]);
    expect(first.nodes[LIMIT + 1].bytes).toBeGreaterThan(MAX_BYTES);
    const second = await logs(w.readers.domainA.secret, { smtpUserIds: [later.gid] });
    expect(second.nodes.map((n) => [n.status, n.codes, n.principal.name])).toEqual([
      [550, ['UNAUTHENTICATED'], 'SMTP user Later'],
      [250, [], 'SMTP user Later'],
    ]);
    // Both users' rows are all the account's SMTP rows: the failed AUTHs left none.
    expect((await logs(w.readers.account.secret, { operationNames: ['SMTP DATA'] })).totalCount).toBe(LIMIT + 4);
    expect((await logs(w.readers.domainB.secret, { operationNames: ['SMTP DATA'] })).totalCount).toBe(0);
  });
  it('each recipient refused at RCPT TO (452, over 50 a message) is logged as SMTP RCPT TO with that recipient and the transaction’s request id; B’s domain token sees none', async () => {
    const w = await world();
    const from = `app@${w.dA.name}`;
    const to = Array.from({ length: 52 }, (_, i) => `r${i}-${unique('to')}@inbox.example.test`);
    const t = transport(w.smtp.auth);
    let info: { accepted: unknown[]; rejected: unknown[] };
    try {
      info = await t.sendMail({ from, to, subject: 'Many', text: 'x' });
    } finally {
      t.close();
    }
    // nodemailer sends to the 50 accepted and reports the 2 refused.
    expect(info.accepted).toHaveLength(50);
    expect(info.rejected).toEqual(to.slice(50));

    const all = await logs(w.readers.domainA.secret, { smtpUserIds: [w.smtp.gid] });
    const refused = all.nodes.filter((n) => n.operationName === 'SMTP RCPT TO');
    const data = all.nodes.filter((n) => n.operationName === 'SMTP DATA');
    expect([refused.length, data.length, all.totalCount]).toEqual([2, 1, 3]);
    for (const n of refused) {
      expect(n).toMatchObject({
        transport: 'SMTP',
        principal: { kind: 'SMTP_USER', smtpUserId: w.smtp.gid },
        operationType: 'MUTATION',
        fields: ['sendEmail'],
        status: 452,
        outcome: 'ERROR',
        codes: ['BAD_USER_INPUT'],
      });
      expect(n.requestId).toBe(data[0].requestId);
    }
    expect(data[0]).toMatchObject({ status: 250, outcome: 'OK' });
    const full = await Promise.all(refused.map(async (n) => ok(await s.gql<{ requestLog: { request: any; response: any } }, unknown>(ONE, { id: n.id }, w.readers.domainA.secret)).requestLog));
    expect(full.map((f) => f.request).sort((a, b) => String(a.rcptTo[0]).localeCompare(String(b.rcptTo[0])))).toEqual(
      to
        .slice(50)
        .sort()
        .map((r) => ({ mailFrom: from, rcptTo: [r], rcptCount: 1 })),
    );
    expect(full[0].response).toEqual({ reply: '452 4.5.3 Too many recipients (at most 50 per message)', messageIds: [] });

    expect((await logs(w.readers.domainB.secret, { operationNames: ['SMTP RCPT TO'] })).totalCount).toBe(0);
    expect(errorCode(await s.gql(ONE, { id: refused[0].id }, w.readers.domainB.secret))).toBe('NOT_FOUND');
  });
});
