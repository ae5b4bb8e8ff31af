import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { fromGlobalId } from '../src/graphql/global-id';
import { Domain } from '../src/modules/domains/domain.entity';
import { ensureSandboxDomain } from '../src/modules/domains/sandbox-domain';
import { buildTenant, insertApiToken } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
let relay: TestServer;
let accountId: string;
let admin: string;
let sandboxGid: string;

const SEND = `mutation($i: SendEmailInput!) { sendEmail(input: $i) { messages { id status } } }`;
const send = (srv: TestServer, token: string, from = 'hello@sandbox.mailroom.test') =>
  srv.gql<any, any>(SEND, { i: { from: { email: from }, to: [{ email: 'me@example.com' }], subject: 'First', text: 'Hello from the sandbox' } }, token);

beforeAll(async () => {
  s = await startTestServer({ runWorker: true });
  relay = await startTestServer({ deliveryMode: 'relay', smtpUrl: 'smtp://127.0.0.1:9' });
  ({ accountId, adminToken: admin } = await s.newAccount('Sandbox agency'));
  const domain = await ensureSandboxDomain(systemEm(s.app.orm), accountId, s.app.config, new Date());
  sandboxGid = domain!.gid;
});
afterAll(async () => {
  await s?.stop();
  await relay?.stop();
});

describe('the sandbox domain (DELIVERY_MODE=sandbox)', () => {
  it('is an agency domain, VERIFIED by construction, created once per account', async () => {
    const again = await ensureSandboxDomain(systemEm(s.app.orm), accountId, s.app.config, new Date());
    expect(again!.gid).toBe(sandboxGid);
    const data = ok(await s.gql<any, any>(`{ domains { totalCount edges { node { id name status sandbox tenant { id } dnsRecords { kind status } } } } }`, {}, admin));
    expect(data.domains.totalCount).toBe(1);
    const d = data.domains.edges[0].node;
    expect(d).toMatchObject({ id: sandboxGid, name: 'sandbox.mailroom.test', status: 'VERIFIED', sandbox: true, tenant: null });
    expect(d.dnsRecords.map((r: any) => [r.kind, r.status])).toEqual([
      ['SPF', 'VERIFIED'],
      ['DKIM', 'VERIFIED'],
      ['RETURN_PATH', 'VERIFIED'],
      ['DMARC', 'VERIFIED'],
    ]);
  });

  it('sends at once: the message is stored (SENT, DKIM-signed raw) and never leaves the machine', async () => {
    const sent = ok(await send(s, admin));
    const id = sent.sendEmail.messages[0].id;
    let message: any = null;
    await expect
      .poll(
        async () => {
          message = ok(await s.gql<any, any>(`query($id: ID!) { message(id: $id) { status raw domain { name } events { type } } }`, { id }, admin)).message;
          return message.status;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe('SENT');
    expect(message.domain.name).toBe('sandbox.mailroom.test');
    expect(message.raw).toContain('DKIM-Signature:');
    expect(message.raw).toContain('d=sandbox.mailroom.test');
    expect(message.raw).toContain('Hello from the sandbox');
    expect(message.events.map((e: any) => e.type)).toEqual(['QUEUED', 'SENT']);
  });

  it('verifyDomain leaves it VERIFIED (no public DNS is looked up)', async () => {
    const res = ok(await s.gql<any, any>(`mutation($i: VerifyDomainInput!) { verifyDomain(input: $i) { domain { status sandbox } } }`, { i: { domainId: sandboxGid } }, admin));
    expect(res.verifyDomain.domain).toEqual({ status: 'VERIFIED', sandbox: true });
  });

  it('is not another client’s: a tenant token and another account see nothing of it and cannot send from it', async () => {
    const tenantId = await buildTenant(s, admin, 'Client of the sandbox agency');
    const { secret: tenantToken } = await insertApiToken(s, { accountId, tenantUuid: fromGlobalId(tenantId, 'Tenant', 'id'), permissions: [Permission.DOMAINS_READ, Permission.EMAIL_SEND] });
    const seen = ok(await s.gql<any, any>(`{ domains { totalCount } }`, {}, tenantToken));
    expect(seen.domains.totalCount).toBe(0);
    expect(errorCode(await send(s, tenantToken))).toBe('BAD_USER_INPUT');
    const other = await s.newAccount('Other agency');
    expect(ok(await s.gql<any, any>(`{ domains { totalCount } }`, {}, other.adminToken)).domains.totalCount).toBe(0);
    expect(ok(await s.gql<any, any>(`query($id: ID!) { node(id: $id) { id } }`, { id: sandboxGid }, other.adminToken)).node).toBeNull();
    const refused = await send(s, other.adminToken);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.extensions!.field).toBe('from.email');
  });

  it('outside sandbox mode it sends nothing: BAD_USER_INPUT on from.email, no message', async () => {
    const { accountId: relayAccount, adminToken: relayAdmin } = await relay.newAccount('Relay agency');
    // A sandbox domain left from when the server ran in sandbox mode.
    await ensureSandboxDomain(systemEm(relay.app.orm), relayAccount, { ...relay.app.config, deliveryMode: 'sandbox' }, new Date());
    expect(await ensureSandboxDomain(systemEm(relay.app.orm), relayAccount, relay.app.config, new Date())).toBeNull();
    const refused = await send(relay, relayAdmin);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.extensions!.field).toBe('from.email');
    expect(refused.errors![0]!.message).toContain('DELIVERY_MODE=sandbox');
    expect(await systemEm(relay.app.orm).count(Domain, { account: relayAccount, sandbox: true })).toBe(1);
  });
});
