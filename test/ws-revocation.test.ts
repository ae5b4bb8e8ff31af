import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { toGlobalId } from '../src/graphql/global-id';
import { LogoutDocument, RevokeApiTokenDocument, UpdateApiTokenDocument, UpdateMemberDocument } from './generated/graphql';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { insertApiToken, insertDomain } from './support/factories';
import { ok } from './support/harness';
import { joinAccount, type MailTestServer, startMailTestServer } from './support/members';
import { wsSession } from './support/ws-client';

let s: MailTestServer;
beforeAll(async () => {
  s = await startMailTestServer();
});
afterAll(() => s?.stop());

const P = [Permission.ACTIVITY_READ, Permission.TEMPLATES_READ];
const QUERY = '{ templates { totalCount } }';

/** The answer to an operation on a socket whose credential stopped: no data, and a refusal or a 4403 close. */
async function expectRefused(res: { data?: unknown; errors?: any[] }, closedWith: Promise<number>) {
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.length).toBeGreaterThan(0);
  expect(JSON.stringify(res)).not.toContain('totalCount');
  expect(await closedWith).toBe(4403);
}

describe('a credential that changes is refused on an already-open socket at once', () => {
  it('revokeApiToken, then a query on the same socket: refused and closed', async () => {
    const { accountId, adminToken } = await s.newAccount();
    const { secret, tokenUuid } = await insertApiToken(s, { accountId, permissions: P });
    const ws = wsSession(s.url, secret);
    try {
      expect((await ws.run(QUERY)).data).toEqual({ templates: { totalCount: 0 } });
      ok(await s.gql(RevokeApiTokenDocument, { input: { id: toGlobalId('ApiToken', tokenUuid) } }, adminToken));
      await expectRefused(await ws.run(QUERY), ws.closedWith);
    } finally {
      await ws.close();
    }
  });

  it('pausing or re-permissioning a token (updateApiToken) refuses the next operation', async () => {
    const { accountId, adminToken } = await s.newAccount();
    for (const change of [{ paused: true }, { permissions: [Permission.ACTIVITY_READ] }]) {
      const { secret, tokenUuid } = await insertApiToken(s, { accountId, permissions: P });
      const ws = wsSession(s.url, secret);
      try {
        expect((await ws.run(QUERY)).data).toEqual({ templates: { totalCount: 0 } });
        ok(await s.gql(UpdateApiTokenDocument, { input: { id: toGlobalId('ApiToken', tokenUuid), ...change } }, adminToken));
        await expectRefused(await ws.run(QUERY), ws.closedWith);
      } finally {
        await ws.close();
      }
    }
  });

  it('logout and updateMember refuse the member’s open socket', async () => {
    const account = await s.newAccount();
    const a = await joinAccount(s, account, { role: 'MANAGER' });
    const wsA = wsSession(s.url, a.session);
    try {
      expect((await wsA.run(QUERY)).data).toEqual({ templates: { totalCount: 0 } });
      ok(await s.gql(LogoutDocument, {}, a.session));
      await expectRefused(await wsA.run(QUERY), wsA.closedWith);
    } finally {
      await wsA.close();
    }
    const b = await joinAccount(s, account, { role: 'MANAGER' });
    const wsB = wsSession(s.url, b.session);
    try {
      expect((await wsB.run(QUERY)).data).toEqual({ templates: { totalCount: 0 } });
      ok(await s.gql(UpdateMemberDocument, { input: { id: b.memberId, role: 'ACCOUNTANT' } }, account.adminToken));
      await expectRefused(await wsB.run(QUERY), wsB.closedWith);
    } finally {
      await wsB.close();
    }
  });

  it('a revoked subscriber never receives an event committed after the revocation', async () => {
    const { accountId, adminToken } = await s.newAccount();
    const domain = await insertDomain(s, { accountId });
    const m = await insertMessage(s, { accountId, domainUuid: domain.id });
    const { secret, tokenUuid } = await insertApiToken(s, { accountId, permissions: P });
    const ws = wsSession(s.url, secret);
    try {
      await ws.connected;
      const sub = ws.subscribe('subscription { activity { type } }');
      // The subscription is live: an event before the revocation arrives.
      await expect
        .poll(
          async () => {
            if (sub.items.length === 0) await recordEvents(s, m, [ActivityEventType.QUEUED]);
            return sub.items.length;
          },
          { timeout: 10_000, interval: 300 },
        )
        .toBeGreaterThan(0);
      const before = sub.items.length;
      ok(await s.gql(RevokeApiTokenDocument, { input: { id: toGlobalId('ApiToken', tokenUuid) } }, adminToken));
      await recordEvents(s, m, [ActivityEventType.DELIVERED, ActivityEventType.OPENED]);
      expect(await ws.closedWith).toBe(4403);
      await new Promise((r) => setTimeout(r, 300));
      expect(sub.items.length).toBe(before);
      expect(JSON.stringify(sub.items)).not.toMatch(/DELIVERED|OPENED/);
    } finally {
      await ws.close();
    }
  });
});
