import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { parseGlobalId, toGlobalId } from '../src/graphql/global-id';
import { sha256 } from '../src/lib/crypto';
import { SenderIdentity, SenderIdentityStatus } from '../src/modules/identities/sender-identity.entity';
import { Message } from '../src/modules/sending/message.entity';
import { SmtpUser } from '../src/modules/smtp-relay/smtp-user.entity';
import { CreateSmtpUserDocument, DeleteSmtpUserDocument, SmtpUsersDocument, UpdateSmtpUserDocument } from './generated/graphql';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

// No TLS certificate here: AUTH works over plain SMTP only because insecure AUTH is allowed (local use).
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ smtpSubmissionPort: 0, smtpAllowInsecureAuth: true });
});
afterAll(() => s?.stop());

const uuid = (gid: string) => parseGlobalId(gid)!.id;
const P = Permission;

/** An account with tenants A and B (a verified domain each), a confirmed identity on A's domain, and tokens per scope. */
async function world() {
  const { accountId, adminToken } = await s.newAccount();
  const tenantA = await buildTenant(s, adminToken, 'Client A');
  const tenantB = await buildTenant(s, adminToken, 'Client B');
  const dA = await insertDomain(s, { accountId, tenantUuid: uuid(tenantA) });
  const dB = await insertDomain(s, { accountId, tenantUuid: uuid(tenantB) });
  const em = systemEm(s.app.orm);
  const identity = em.create(SenderIdentity, {
    account: accountId,
    tenant: uuid(tenantA),
    domain: dA.id,
    email: `${unique('me')}@${dA.name}`,
    status: SenderIdentityStatus.CONFIRMED,
    confirmedAt: new Date(),
  });
  await em.flush();
  const manage = [P.TOKENS_MANAGE, P.EMAIL_SEND];
  const tokenA = (await insertApiToken(s, { accountId, permissions: manage, domainUuid: dA.id })).secret;
  const tokenB = (await insertApiToken(s, { accountId, permissions: manage, tenantUuid: uuid(tenantB) })).secret;
  const noSend = (await insertApiToken(s, { accountId, permissions: [P.TOKENS_MANAGE], domainUuid: dA.id })).secret;
  return {
    accountId,
    adminToken,
    dA,
    dB,
    domainA: toGlobalId('Domain', dA.id),
    domainB: toGlobalId('Domain', dB.id),
    identity,
    identityA: toGlobalId('SenderIdentity', identity.id),
    tokenA,
    tokenB,
    noSend,
  };
}

const plainTransport = (user: string, pass: string) => createTransport({ host: '127.0.0.1', port: s.app.smtpSubmissionPort!, secure: false, ignoreTLS: true, auth: { user, pass } });

describe('SMTP users (GraphQL)', () => {
  it('creates a domain credential whose password is shown once and only hashed at rest; lists, renames, disables and deletes it', async () => {
    const w = await world();
    const created = ok(await s.gql(CreateSmtpUserDocument, { input: { name: ' WordPress ', domainId: w.domainA } }, w.tokenA)).createSmtpUser;
    expect(created.smtpUser).toMatchObject({ name: 'WordPress', username: created.username, enabled: true, domainId: w.domainA, senderIdentityId: null, lastUsedAt: null });
    expect(created.username).toMatch(/^smtp_[A-Za-z0-9_-]{12}$/);
    expect(created.password.length).toBeGreaterThanOrEqual(32);
    const row = await systemEm(s.app.orm).findOneOrFail(SmtpUser, { id: uuid(created.smtpUser.id) }, { populate: ['passwordHash'] });
    expect(row.passwordHash).toBe(sha256(created.password));
    const listed = ok(await s.gql(SmtpUsersDocument, {}, w.tokenA)).smtpUsers;
    expect(listed.totalCount).toBe(1);
    expect(JSON.stringify(listed)).not.toContain(created.password);

    const renamed = ok(await s.gql(UpdateSmtpUserDocument, { input: { id: created.smtpUser.id, name: 'Shop', enabled: false } }, w.tokenA)).updateSmtpUser.smtpUser;
    expect(renamed).toMatchObject({ name: 'Shop', enabled: false });
    const deleted = ok(await s.gql(DeleteSmtpUserDocument, { input: { id: created.smtpUser.id } }, w.tokenA)).deleteSmtpUser;
    expect(deleted.deletedSmtpUserId).toBe(created.smtpUser.id);
    expect(ok(await s.gql(SmtpUsersDocument, {}, w.tokenA)).smtpUsers.totalCount).toBe(0);
  });

  it('a domain principal manages the credentials of its identities too; another client sees none of them and cannot create, change or delete them', async () => {
    const w = await world();
    const forIdentity = ok(await s.gql(CreateSmtpUserDocument, { input: { name: 'Identity', senderIdentityId: w.identityA } }, w.tokenA)).createSmtpUser.smtpUser;
    expect(forIdentity).toMatchObject({ senderIdentityId: w.identityA, domainId: null });
    const forDomain = ok(await s.gql(CreateSmtpUserDocument, { input: { name: 'Domain', domainId: w.domainA } }, w.adminToken)).createSmtpUser.smtpUser;
    expect(ok(await s.gql(SmtpUsersDocument, {}, w.tokenA)).smtpUsers.edges.map((e) => e.node.id)).toEqual([forIdentity.id, forDomain.id]);

    // Client B's principal: nothing listed, no count, the same NOT_FOUND as for an unknown id.
    expect(ok(await s.gql(SmtpUsersDocument, {}, w.tokenB)).smtpUsers).toMatchObject({ totalCount: 0, edges: [] });
    const update = await s.gql(UpdateSmtpUserDocument, { input: { id: forDomain.id, enabled: false } }, w.tokenB);
    expect(errorCode(update)).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(DeleteSmtpUserDocument, { input: { id: forIdentity.id } }, w.tokenB))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(CreateSmtpUserDocument, { input: { name: 'x', domainId: w.domainA } }, w.tokenB))).toBe('NOT_FOUND');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const node = (token: string) => s.gql<any, any>('query($id: ID!) { node(id: $id) { id } }', { id: forDomain.id }, token);
    expect(ok(await node(w.tokenB)).node).toBeNull();
    expect(ok(await node(w.tokenA)).node).toEqual({ id: forDomain.id });
    expect(errorCode(await s.gql(CreateSmtpUserDocument, { input: { name: 'x', domainId: w.domainB } }, w.tokenA))).toBe('NOT_FOUND');
    const still = await systemEm(s.app.orm).findOneOrFail(SmtpUser, { id: uuid(forDomain.id) });
    expect(still.enabled).toBe(true);
  });

  it('refuses bad input with a coded error naming the field, and a creator without EMAIL_SEND', async () => {
    const w = await world();
    const none = await s.gql(CreateSmtpUserDocument, { input: { name: 'x' } }, w.tokenA);
    expect(none.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'domainId' });
    const both = await s.gql(CreateSmtpUserDocument, { input: { name: 'x', domainId: w.domainA, senderIdentityId: w.identityA } }, w.tokenA);
    expect(both.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'domainId' });
    const blank = await s.gql(CreateSmtpUserDocument, { input: { name: '  ', domainId: w.domainA } }, w.tokenA);
    expect(blank.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    const bad = await s.gql(CreateSmtpUserDocument, { input: { name: 'x', domainId: 'nope' } }, w.tokenA);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'domainId' });
    expect(errorCode(await s.gql(CreateSmtpUserDocument, { input: { name: 'x', domainId: w.domainA } }, w.noSend))).toBe('FORBIDDEN');
    expect(await systemEm(s.app.orm).count(SmtpUser, { account: w.accountId })).toBe(0);
  });
});

describe('SMTP submission without TLS (SMTP_ALLOW_INSECURE_AUTH=true)', () => {
  it('accepts a message as the credential, with X-Mailroom tags; an identity credential sends only as its identity', async () => {
    const w = await world();
    const cred = ok(await s.gql(CreateSmtpUserDocument, { input: { name: 'Identity', senderIdentityId: w.identityA } }, w.tokenA)).createSmtpUser;
    const t = plainTransport(cred.username, cred.password);
    const info = await t.sendMail({ from: w.identity.email, to: 'reader@inbox.example.test', subject: 'Plain', text: 'Hello', headers: { 'X-Mailroom-Tags': 'legacy, wp' } });
    const gid = /queued as (\S+)/.exec(info.response)![1];
    const m = await systemEm(s.app.orm).findOneOrFail(Message, { id: uuid(gid) }, { populate: ['text'] });
    expect(m).toMatchObject({ fromEmail: w.identity.email, recipient: 'reader@inbox.example.test', subject: 'Plain', text: 'Hello\n', tags: ['legacy', 'wp'] });
    expect(m.senderIdentity?.id).toBe(w.identity.id);
    // The identity credential may not send as another address of the same domain.
    await expect(t.sendMail({ from: `other@${w.dA.name}`, to: 'reader@inbox.example.test', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    t.close();
  });
});

describe('SMTP limits', () => {
  it('after RATE_LIMIT_LOGIN_PER_IP failed attempts, AUTH is refused with 454, even with the right password; a message over SMTP_SUBMISSION_MAX_BYTES is 552', async () => {
    const limited = await startTestServer({ smtpSubmissionPort: 0, smtpAllowInsecureAuth: true, rateLimitLoginPerIp: 2, smtpSubmissionMaxBytes: 4096 });
    try {
      const { adminToken, accountId } = await limited.newAccount();
      const d = await insertDomain(limited, { accountId });
      const cred = ok(await limited.gql(CreateSmtpUserDocument, { input: { name: 'x', domainId: toGlobalId('Domain', d.id) } }, adminToken)).createSmtpUser;
      const attempt = async (pass: string) => {
        const t = createTransport({ host: '127.0.0.1', port: limited.app.smtpSubmissionPort!, secure: false, ignoreTLS: true, auth: { user: cred.username, pass } });
        try {
          return await t.verify();
        } finally {
          t.close();
        }
      };
      expect(await attempt(cred.password)).toBe(true);
      const big = createTransport({ host: '127.0.0.1', port: limited.app.smtpSubmissionPort!, secure: false, ignoreTLS: true, auth: { user: cred.username, pass: cred.password } });
      await expect(big.sendMail({ from: `a@${d.name}`, to: 'x@inbox.example.test', subject: 'big', text: 'x'.repeat(8000) })).rejects.toMatchObject({ responseCode: 552 });
      big.close();
      expect(await systemEm(limited.app.orm).count(Message, { account: accountId })).toBe(0);
      await expect(attempt('wrong')).rejects.toMatchObject({ responseCode: 535 });
      await expect(attempt('wrong')).rejects.toMatchObject({ responseCode: 535 });
      await expect(attempt(cred.password)).rejects.toMatchObject({ responseCode: 454 });
    } finally {
      await limited.stop();
    }
  });
});
