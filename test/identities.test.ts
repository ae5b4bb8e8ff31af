import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { createDnsLookup } from '../src/deps';
import { fromGlobalId, toGlobalId } from '../src/graphql/global-id';
import { DomainStatus } from '../src/modules/domains/domain.types';
import { SenderIdentity } from '../src/modules/identities/sender-identity.entity';
import {
  ConfirmSenderIdentityDocument,
  CreateSenderIdentityDocument,
  type CreateSenderIdentityInput,
  DeleteSenderIdentityDocument,
  ResendSenderIdentityConfirmationDocument,
  SenderIdentitiesDocument,
  SenderIdentityDocument,
  SystemEmailsDocument,
  TenantSenderIdentitiesDocument,
} from './generated/graphql';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { buildTenant, insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, ok } from './support/harness';
import { latestMailText, startMailTestServer, type MailTestServer } from './support/members';

let s: MailTestServer;
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
  // Every DMARC lookup goes to the loopback server: nothing leaves the machine.
  s = await startMailTestServer({}, { deps: { dns: createDnsLookup([dns.address], 1000) } });
});
afterAll(async () => {
  await s?.stop();
  await dns?.close();
});

const uuid = (gid: string, type: string) => fromGlobalId(gid, type, 'id');

/** A fresh account with a tenant and a verified agency domain. */
async function agency() {
  const { accountId, adminToken } = await s.newAccount();
  const tenantId = await buildTenant(s, adminToken, 'Client A');
  const domain = await insertDomain(s, { accountId, tenantUuid: null });
  return { accountId, adminToken, tenantId, domainId: toGlobalId('Domain', domain.id), domainName: domain.name };
}

function input(a: { tenantId: string; domainId: string }, over: Partial<CreateSenderIdentityInput> = {}): CreateSenderIdentityInput {
  return { tenantId: a.tenantId, domainId: a.domainId, email: `${unique('u')}@client.example`, name: 'Alice', ...over };
}

async function create(token: string, i: CreateSenderIdentityInput) {
  return ok(await s.gql(CreateSenderIdentityDocument, { input: i }, token)).createSenderIdentity.senderIdentity;
}

/** Decodes the quoted-printable text/plain part of a raw MIME message. */
function plainText(raw: string): string {
  const part = raw.split(/Content-Type: text\/plain[^\r\n]*\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n/)[1]?.split(/\r\n--/)[0] ?? '';
  const latin1 = part.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/** The system e-mails (newest last) sent to `email`, through the outbox query. */
async function mailsTo(adminToken: string, email: string) {
  const page = ok(await s.gql(SystemEmailsDocument, { first: 100, kind: 'SENDER_CONFIRMATION' }, adminToken)).systemEmails;
  return page.edges.map((e) => e.node).filter((m) => m.toEmail === email);
}

/** The token in the latest confirmation e-mail the address `email` received in its mailbox (the outbox has it redacted). */
async function latestToken(_adminToken: string, email: string): Promise<string> {
  const m = /\/confirm-sender\?token=(mr_link_[0-9A-Za-z]+)/.exec(await latestMailText(s, email));
  expect(m, 'link in the delivered message').not.toBeNull();
  return m![1];
}

async function status(token: string, id: string) {
  return ok(await s.gql(SenderIdentityDocument, { id }, token)).senderIdentity.status;
}

describe('sender identities: create and confirm', () => {
  it('creates a PENDING identity and stores a confirmation e-mail whose raw MIME carries the link and the note', async () => {
    const a = await agency();
    const identity = await create(
      a.adminToken,
      input(a, { email: '  Alice.Smith@Client.Example ', replyToEmail: 'Replies@Client.Example', replyToName: 'Support', personalNote: 'Hi Alice — please confirm, thanks!' }),
    );
    expect(identity).toMatchObject({
      email: 'alice.smith@client.example',
      name: 'Alice',
      replyToEmail: 'replies@client.example',
      replyToName: 'Support',
      status: 'PENDING',
      confirmedAt: null,
      dmarcPolicy: null,
      warnings: [],
    });
    expect(identity.tenant?.id).toBe(a.tenantId);
    expect(identity.domain).toEqual({ id: a.domainId, name: a.domainName });
    expect(identity.confirmationSentAt).toBeTruthy();

    const [mail] = await mailsTo(a.adminToken, 'alice.smith@client.example');
    expect(mail).toMatchObject({ kind: 'SENDER_CONFIRMATION', subject: 'Confirm alice.smith@client.example as a sender address' });
    expect(mail.raw).toMatch(/^From: Mailroom <no-reply@mailroom\.test>\r\n/m);
    expect(mail.raw).toMatch(/^To: alice\.smith@client\.example\r\n/m);
    expect(mail.raw).toContain(`Message-ID: ${mail.messageId}`);
    const body = plainText(mail.raw);
    const token = await latestToken(a.adminToken, 'alice.smith@client.example');
    expect(await latestMailText(s, 'alice.smith@client.example')).toContain(`${s.app.config.publicUrl}/confirm-sender?token=${token}`);
    // An admin reading the outbox gets the body without the secret: it cannot confirm in the owner's place.
    expect(body).toContain(`${s.app.config.publicUrl}/confirm-sender?token=[redacted]`);
    expect(body).toContain('Hi Alice — please confirm, thanks!');
    expect(JSON.stringify(mail)).not.toContain(token);
    expect(mail.text).toContain('/confirm-sender?token=[redacted]');
  });

  it('confirms through the public mutation with the token from the e-mail; the token is single-use', async () => {
    const a = await agency();
    const identity = await create(a.adminToken, input(a));
    const token = await latestToken(a.adminToken, identity.email);
    const confirmed = ok(await s.gql(ConfirmSenderIdentityDocument, { input: { token } }, null)).confirmSenderIdentity.senderIdentity;
    expect(confirmed).toMatchObject({ id: identity.id, email: identity.email, status: 'CONFIRMED' });
    expect(confirmed.confirmedAt).toBeTruthy();
    expect(await status(a.adminToken, identity.id)).toBe('CONFIRMED');
    const row = await systemEm(s.app.orm).findOneOrFail(SenderIdentity, { id: uuid(identity.id, 'SenderIdentity') }, { populate: ['confirmationTokenHash'] });
    expect(row.confirmationTokenHash).toBeNull();

    const again = await s.gql(ConfirmSenderIdentityDocument, { input: { token } }, null);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    const bogus = await s.gql(ConfirmSenderIdentityDocument, { input: { token: 'mr_link_nope' } }, null);
    expect(bogus.errors?.[0]).toMatchObject({ message: again.errors?.[0].message, extensions: { code: 'BAD_USER_INPUT', field: 'token' } });
  });

  it('the link page does not confirm on GET; its form POST does', async () => {
    const a = await agency();
    const identity = await create(a.adminToken, input(a));
    const token = await latestToken(a.adminToken, identity.email);
    const link = `${s.url}/confirm-sender?token=${token}`;
    for (let i = 0; i < 2; i++) {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await page.text();
      expect(html).toContain(identity.email);
      expect(html).toMatch(/<form method="post" action="\/confirm-sender">/);
      expect(html).toContain(`<input type="hidden" name="token" value="${token}">`);
    }
    expect(await status(a.adminToken, identity.id)).toBe('PENDING');

    const post = await fetch(`${s.url}/confirm-sender`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('is confirmed');
    expect(await status(a.adminToken, identity.id)).toBe('CONFIRMED');

    expect((await fetch(link)).status).toBe(400);
    const replay = await fetch(`${s.url}/confirm-sender`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    expect(replay.status).toBe(400);
    const evil = await fetch(`${s.url}/confirm-sender?token=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(evil.status).toBe(400);
    expect(await evil.text()).not.toContain('<script>');
  });

  it('resend issues a new token and spends the old one, then is RATE_LIMITED; a confirmed identity cannot be resent', async () => {
    const a = await agency();
    const identity = await create(a.adminToken, input(a));
    const first = await latestToken(a.adminToken, identity.email);
    const resent = ok(await s.gql(ResendSenderIdentityConfirmationDocument, { input: { id: identity.id } }, a.adminToken)).resendSenderIdentityConfirmation.senderIdentity;
    expect(resent.status).toBe('PENDING');
    expect(await mailsTo(a.adminToken, identity.email)).toHaveLength(2);
    const second = await latestToken(a.adminToken, identity.email);
    expect(second).not.toBe(first);

    const limited = await s.gql(ResendSenderIdentityConfirmationDocument, { input: { id: identity.id } }, a.adminToken);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    const retry = limited.errors?.[0].extensions?.retryAfterSeconds as number;
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(await mailsTo(a.adminToken, identity.email)).toHaveLength(2);

    expect(errorCode(await s.gql(ConfirmSenderIdentityDocument, { input: { token: first } }, null))).toBe('BAD_USER_INPUT');
    expect(ok(await s.gql(ConfirmSenderIdentityDocument, { input: { token: second } }, null)).confirmSenderIdentity.senderIdentity.status).toBe('CONFIRMED');
    const done = await s.gql(ResendSenderIdentityConfirmationDocument, { input: { id: identity.id } }, a.adminToken);
    expect(done.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it("records the address domain's DMARC policy and warns on p=reject", async () => {
    const a = await agency();
    const strict = `${unique('strict')}.example`;
    const relaxed = `${unique('relaxed')}.example`;
    dns.set(`_dmarc.${strict}`, [
      { type: 'TXT', value: 'v=spf1 -all' },
      { type: 'TXT', value: 'v=DMARC1; p=reject; rua=mailto:dmarc@' + strict },
    ]);
    dns.set(`_dmarc.${relaxed}`, [{ type: 'TXT', value: 'v=DMARC1; p=none' }]);
    const rejecting = await create(a.adminToken, input(a, { email: `ceo@${strict}` }));
    expect(rejecting.dmarcPolicy).toBe('reject');
    expect(rejecting.warnings).toHaveLength(1);
    expect(rejecting.warnings[0].code).toBe('DMARC_REJECT');
    expect(rejecting.warnings[0].message).toMatch(/may not be delivered/);
    expect(rejecting.warnings[0].message).toMatch(/p=none or p=quarantine/);
    const sub = await create(a.adminToken, input(a, { email: `news@mail.${strict}` }));
    expect(sub.warnings.map((w) => w.code)).toEqual(['DMARC_REJECT']);
    const fine = await create(a.adminToken, input(a, { email: `ceo@${relaxed}` }));
    expect(fine).toMatchObject({ dmarcPolicy: 'none', warnings: [] });
    expect(ok(await s.gql(SenderIdentityDocument, { id: rejecting.id }, a.adminToken)).senderIdentity.warnings[0].code).toBe('DMARC_REJECT');
  });
});

describe('sender identities: refused input', () => {
  it('refuses unverified, foreign-tenant and unknown domains, and unknown tenants', async () => {
    const a = await agency();
    const pending = await insertDomain(s, { accountId: a.accountId, tenantUuid: null, status: DomainStatus.PENDING });
    const r1 = await s.gql(CreateSenderIdentityDocument, { input: input(a, { domainId: toGlobalId('Domain', pending.id) }) }, a.adminToken);
    expect(r1.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'domainId' });

    const tenantB = await buildTenant(s, a.adminToken, 'Client B');
    const domainOfB = await insertDomain(s, { accountId: a.accountId, tenantUuid: uuid(tenantB, 'Tenant') });
    const r2 = await s.gql(CreateSenderIdentityDocument, { input: input(a, { domainId: toGlobalId('Domain', domainOfB.id) }) }, a.adminToken);
    expect(r2.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'domainId' });
    // The tenant's own domain is fine.
    expect((await create(a.adminToken, input({ tenantId: tenantB, domainId: toGlobalId('Domain', domainOfB.id) }))).status).toBe('PENDING');

    const other = await agency();
    const r3 = await s.gql(CreateSenderIdentityDocument, { input: input(a, { domainId: other.domainId }) }, a.adminToken);
    expect(r3.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'domainId' });
    const r4 = await s.gql(CreateSenderIdentityDocument, { input: input(a, { tenantId: other.tenantId }) }, a.adminToken);
    expect(r4.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'tenantId' });
    const r5 = await s.gql(CreateSenderIdentityDocument, { input: input(a, { domainId: 'not-an-id' }) }, a.adminToken);
    expect(r5.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'domainId' });
  });

  it('names the field for invalid addresses, oversized texts and duplicates, and sends nothing', async () => {
    const a = await agency();
    const cases: [Partial<CreateSenderIdentityInput>, string][] = [
      [{ email: 'not an address' }, 'email'],
      [{ email: 'Alice <alice@client.example>' }, 'email'],
      [{ email: 'alice@client.example\r\nBcc: victim@example.com' }, 'email'],
      [{ email: `${'a'.repeat(250)}@client.example` }, 'email'],
      [{ replyToEmail: 'replies@@client.example' }, 'replyToEmail'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'Alice\r\nBcc: victim@example.com' }, 'name'],
      [{ replyToName: 'y'.repeat(101) }, 'replyToName'],
      [{ personalNote: 'z'.repeat(1001) }, 'personalNote'],
    ];
    for (const [over, field] of cases) {
      const res = await s.gql(CreateSenderIdentityDocument, { input: input(a, over) }, a.adminToken);
      expect(res.errors?.[0].extensions, JSON.stringify(over).slice(0, 60)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    await create(a.adminToken, input(a, { email: 'dup@client.example', personalNote: 'n'.repeat(1000) }));
    const dup = await s.gql(CreateSenderIdentityDocument, { input: input(a, { email: ' DUP@Client.Example' }) }, a.adminToken);
    expect(dup.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });
    expect(ok(await s.gql(SenderIdentitiesDocument, {}, a.adminToken)).senderIdentities.totalCount).toBe(1);
    expect(ok(await s.gql(SystemEmailsDocument, {}, a.adminToken)).systemEmails.totalCount).toBe(1);
  });

  it('needs IDENTITIES_MANAGE to create and authentication for everything but confirming', async () => {
    const a = await agency();
    const reader = await insertApiToken(s, { accountId: a.accountId, permissions: [Permission.IDENTITIES_READ, Permission.DOMAINS_READ] });
    expect(errorCode(await s.gql(CreateSenderIdentityDocument, { input: input(a) }, reader.secret))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(CreateSenderIdentityDocument, { input: input(a) }, null))).toBe('UNAUTHENTICATED');
    expect(errorCode(await s.gql(SenderIdentitiesDocument, {}, null))).toBe('UNAUTHENTICATED');
    expect(ok(await s.gql(SenderIdentitiesDocument, {}, reader.secret)).senderIdentities.totalCount).toBe(0);
  });
});

describe('sender identities: lists, fields and delete', () => {
  it('pages with cursors and filters by tenant and domain; Tenant and Domain list their identities', async () => {
    const a = await agency();
    const tenantB = await buildTenant(s, a.adminToken, 'Client B');
    const ids = [];
    for (const t of [a.tenantId, a.tenantId, tenantB]) ids.push((await create(a.adminToken, input({ ...a, tenantId: t }))).id);
    const p1 = ok(await s.gql(SenderIdentitiesDocument, { first: 2 }, a.adminToken)).senderIdentities;
    expect(p1.totalCount).toBe(3);
    expect(p1.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 2));
    const p2 = ok(await s.gql(SenderIdentitiesDocument, { first: 2, after: p1.pageInfo.endCursor }, a.adminToken)).senderIdentities;
    expect(p2.edges.map((e) => e.node.id)).toEqual([ids[2]]);
    expect(ok(await s.gql(SenderIdentitiesDocument, { tenantId: tenantB }, a.adminToken)).senderIdentities.totalCount).toBe(1);
    expect(ok(await s.gql(SenderIdentitiesDocument, { domainId: a.domainId, tenantId: a.tenantId }, a.adminToken)).senderIdentities.totalCount).toBe(2);
    expect(ok(await s.gql(TenantSenderIdentitiesDocument, { id: a.tenantId }, a.adminToken)).tenant.senderIdentities.map((i) => i.id)).toEqual(ids.slice(0, 2));
    const viaDomain = await s.gql<{ node: { senderIdentities: { id: string }[] } }, { id: string }>(
      'query($id: ID!) { node(id: $id) { ... on Domain { senderIdentities { id } } } }',
      { id: a.domainId },
      a.adminToken,
    );
    expect(ok(viaDomain).node.senderIdentities.map((i) => i.id)).toEqual(ids);
  });

  it('deletes an identity; its pending link stops working', async () => {
    const a = await agency();
    const identity = await create(a.adminToken, input(a));
    const token = await latestToken(a.adminToken, identity.email);
    const del = ok(await s.gql(DeleteSenderIdentityDocument, { input: { id: identity.id } }, a.adminToken)).deleteSenderIdentity;
    expect(del.deletedSenderIdentityId).toBe(identity.id);
    expect(errorCode(await s.gql(SenderIdentityDocument, { id: identity.id }, a.adminToken))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(ConfirmSenderIdentityDocument, { input: { token } }, null))).toBe('BAD_USER_INPUT');
    expect(errorCode(await s.gql(DeleteSenderIdentityDocument, { input: { id: identity.id } }, a.adminToken))).toBe('NOT_FOUND');
  });
});

describe('sender identities: isolation', () => {
  it("another account's admin sees nothing and can change nothing", async () => {
    const a = await agency();
    const b = await agency();
    const identity = await create(a.adminToken, input(a, { email: `${unique('secret')}@client.example` }));
    expect(ok(await s.gql(SenderIdentitiesDocument, {}, b.adminToken)).senderIdentities.totalCount).toBe(0);
    const answers = [
      await s.gql(SenderIdentityDocument, { id: identity.id }, b.adminToken),
      await s.gql(ResendSenderIdentityConfirmationDocument, { input: { id: identity.id } }, b.adminToken),
      await s.gql(DeleteSenderIdentityDocument, { input: { id: identity.id } }, b.adminToken),
    ];
    const missing = await s.gql(SenderIdentityDocument, { id: toGlobalId('SenderIdentity', '00000000-0000-7000-8000-000000000000') }, b.adminToken);
    for (const res of answers) expect(res.errors?.[0]).toEqual({ ...missing.errors?.[0], path: res.errors?.[0].path });
    expect(errorCode(missing)).toBe('NOT_FOUND');
    expect(ok(await s.gql(SystemEmailsDocument, {}, b.adminToken)).systemEmails.totalCount).toBe(0);
    expect(ok(await s.gql(SenderIdentitiesDocument, { tenantId: a.tenantId }, b.adminToken)).senderIdentities.totalCount).toBe(0);
    expect(JSON.stringify(answers)).not.toContain(identity.email);
    expect(await mailsTo(a.adminToken, identity.email)).toHaveLength(1);
    expect(await status(a.adminToken, identity.id)).toBe('PENDING');
  });

  it("a tenant-scoped token sees none of another tenant's identities on the same agency domain", async () => {
    const a = await agency();
    const tenantB = await buildTenant(s, a.adminToken, 'Client B');
    const ofA = await create(a.adminToken, input(a));
    const ofB = await create(a.adminToken, input({ ...a, tenantId: tenantB }));
    const all = [Permission.IDENTITIES_READ, Permission.IDENTITIES_MANAGE, Permission.DOMAINS_READ, Permission.MEMBERS_MANAGE];
    const { secret } = await insertApiToken(s, { accountId: a.accountId, permissions: all, tenantUuid: uuid(tenantB, 'Tenant') });
    const list = ok(await s.gql(SenderIdentitiesDocument, {}, secret)).senderIdentities;
    expect(list.totalCount).toBe(1);
    expect(list.edges.map((e) => e.node.id)).toEqual([ofB.id]);
    expect(ok(await s.gql(SenderIdentitiesDocument, { domainId: a.domainId }, secret)).senderIdentities.totalCount).toBe(1);
    const own = ok(await s.gql(SenderIdentityDocument, { id: ofB.id }, secret)).senderIdentity;
    expect(own.tenant?.id).toBe(tenantB);
    expect(own.domain).toBeNull(); // the agency domain is not in the tenant's scope
    for (const res of [
      await s.gql(SenderIdentityDocument, { id: ofA.id }, secret),
      await s.gql(ResendSenderIdentityConfirmationDocument, { input: { id: ofA.id } }, secret),
      await s.gql(DeleteSenderIdentityDocument, { input: { id: ofA.id } }, secret),
    ]) {
      expect(errorCode(res)).toBe('NOT_FOUND');
      expect(JSON.stringify(res)).not.toContain(ofA.email);
    }
    const domainOfB = await insertDomain(s, { accountId: a.accountId, tenantUuid: uuid(tenantB, 'Tenant') });
    const forA = await s.gql(CreateSenderIdentityDocument, { input: input({ tenantId: a.tenantId, domainId: toGlobalId('Domain', domainOfB.id) }) }, secret);
    expect(forA.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'tenantId' });
    expect((await create(secret, input({ tenantId: tenantB, domainId: toGlobalId('Domain', domainOfB.id) }))).tenant?.id).toBe(tenantB);
    expect(errorCode(await s.gql(SystemEmailsDocument, {}, secret))).toBe('FORBIDDEN');
    expect(await status(a.adminToken, ofA.id)).toBe('PENDING');
  });

  it('an identity-scoped token sees only its own identity; domain-scoped tokens get no system e-mails', async () => {
    const a = await agency();
    const mine = await create(a.adminToken, input(a));
    const sibling = await create(a.adminToken, input(a));
    const perms = [Permission.IDENTITIES_READ, Permission.IDENTITIES_MANAGE, Permission.DOMAINS_READ, Permission.MEMBERS_MANAGE];
    const { secret } = await insertApiToken(s, { accountId: a.accountId, permissions: perms, identityUuid: uuid(mine.id, 'SenderIdentity') });
    const list = ok(await s.gql(SenderIdentitiesDocument, {}, secret)).senderIdentities;
    expect(list.edges.map((e) => e.node.id)).toEqual([mine.id]);
    expect(list.totalCount).toBe(1);
    expect(ok(await s.gql(SenderIdentityDocument, { id: mine.id }, secret)).senderIdentity.domain).toBeNull();
    expect(errorCode(await s.gql(SenderIdentityDocument, { id: sibling.id }, secret))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(DeleteSenderIdentityDocument, { input: { id: sibling.id } }, secret))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(CreateSenderIdentityDocument, { input: input(a) }, secret))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql(SystemEmailsDocument, {}, secret))).toBe('FORBIDDEN');

    const byDomain = await insertApiToken(s, { accountId: a.accountId, permissions: perms, domainUuid: uuid(a.domainId, 'Domain') });
    expect(errorCode(await s.gql(SystemEmailsDocument, {}, byDomain.secret))).toBe('FORBIDDEN');
    expect(ok(await s.gql(SenderIdentitiesDocument, {}, byDomain.secret)).senderIdentities.totalCount).toBe(2);
  });
});
