import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import type { Principal } from '../src/auth/principal';
import type { LoggedOperation } from '../src/modules/logs/request-log-row';
import { writeBatch, writerApplicationName } from '../src/modules/logs/request-log-thread';
import { BUS_CHANNEL } from '../src/pubsub/bus';
import { ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
let stopped = false;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => (stopped ? undefined : s?.stop()));

const LOGS = `query Logs($names: [String!]) { requestLogs(filter: { operationNames: $names }, first: 10) { totalCount edges { node { operationName outcome fields } } } }`;

/** The writer thread's backends of this process. */
async function writerPids(): Promise<number[]> {
  const rows = await s.app.orm.em.fork().execute<{ pid: number }[]>('select pid from pg_stat_activity where application_name = ? and datname = current_database()', [writerApplicationName()]);
  return rows.map((r) => r.pid);
}

async function logged(token: string, name: string): Promise<number> {
  await s.app.requestLog!.flush();
  return ok(await s.gql<{ requestLogs: { totalCount: number } }, unknown>(LOGS, { names: [name] }, token)).requestLogs.totalCount;
}

describe('the request log writer thread', () => {
  it('announces a batch on the bus in its own transaction: a committed batch names its ids, a failed one is rolled back and names none', async () => {
    const { accountId } = await s.newAccount();
    const principal = (account: string): Principal => ({
      kind: 'API_TOKEN',
      tokenId: '0190f0f0-1111-7222-8333-444455556666',
      label: 'announcer',
      scope: {
        accountId: account,
        allDomains: true,
        tenantIds: [],
        domainIds: [],
        identityIds: [],
        readableTenantIds: [],
        permissions: [],
        templateIds: null,
        membershipId: null,
        principalKey: 'token:x',
      },
    });
    const op = (account: string, name: string): LoggedOperation => ({
      transport: 'HTTP',
      ctx: { principal: principal(account), requestId: `req-${name}`, clientIp: '127.0.0.1' },
      at: new Date(),
      document: { query: `query ${name} { __typename }` },
      operationName: name,
      variables: null,
      status: 200,
      response: '{"data":{"__typename":"Query"}}',
      durationMs: 1,
      userAgent: null,
    });
    const listener = new Client({ connectionString: s.app.databaseUrl });
    const writer = new Client({ connectionString: s.app.databaseUrl });
    await Promise.all([listener.connect(), writer.connect()]);
    const heard: { accountId: string; ids: string[] }[] = [];
    listener.on('notification', (n) => {
      const m = JSON.parse(n.payload ?? '{}') as { topic: string; payload: { accountId: string; ids: string[] } };
      if (m.topic === 'requestLogged' && m.payload.accountId === accountId) heard.push(m.payload);
    });
    await listener.query(`LISTEN ${BUS_CHANNEL}`);
    const logs: string[] = [];
    const count = async (name: string) => Number((await writer.query<{ n: string }>('select count(*) as n from request_logs where operation_name = $1', [name])).rows[0].n);
    try {
      // A batch whose COPY fails (an account id that is no uuid) writes nothing, announces nothing, and leaves the connection usable.
      expect(await writeBatch(writer, [op(accountId, 'Kept'), op('not-a-uuid', 'Broken')], (msg) => logs.push(msg))).toBe(false);
      expect(logs).toEqual(['request log: a batch could not be written']);
      expect(await count('Kept')).toBe(0);
      // 150 rows of one account: two announcements (100 ids at most each), heard once they are committed.
      expect(
        await writeBatch(
          writer,
          Array.from({ length: 150 }, () => op(accountId, 'Announced')),
          (msg) => logs.push(msg),
        ),
      ).toBe(true);
      await expect.poll(() => heard.length, { timeout: 5000 }).toBe(2);
      const ids = (await writer.query<{ id: string }>('select id from request_logs where operation_name = $1', ['Announced'])).rows.map((r) => r.id);
      expect(ids).toHaveLength(150);
      expect(heard.map((h) => h.ids.length)).toEqual([100, 50]);
      expect(heard.flatMap((h) => h.ids).sort()).toEqual([...ids].sort());
    } finally {
      await Promise.all([listener.end(), writer.end()]);
    }
  });

  it('writes on a connection of its own, opens it again after it broke, and ends it on stop', async () => {
    const { accountId, adminToken } = await s.newAccount();
    ok(await s.gql('query BeforeBreak { viewer { kind } }', {}, adminToken));
    expect(await logged(adminToken, 'BeforeBreak')).toBe(1);
    const row = ok(await s.gql<{ requestLogs: { edges: { node: { outcome: string; fields: string[] } }[] } }, unknown>(LOGS, { names: ['BeforeBreak'] }, adminToken));
    expect(row.requestLogs.edges[0].node).toEqual({ operationName: 'BeforeBreak', outcome: 'OK', fields: ['viewer'] });

    const [pid, ...others] = await writerPids();
    expect(others).toEqual([]);
    await s.app.orm.em.fork().execute('select pg_terminate_backend(?)', [pid]);

    // The next batches go through a new connection: a batch in flight when it broke may be lost, none after.
    let found = 0;
    for (let i = 0; i < 5 && !found; i++) {
      ok(await s.gql('query AfterBreak { viewer { kind } }', {}, adminToken));
      found = await logged(adminToken, 'AfterBreak');
    }
    expect(found).toBeGreaterThanOrEqual(1);
    const now = await writerPids();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(pid);

    // What is buffered when the server stops is written, and the thread's connection is ended.
    ok(await s.gql('query AtStop { viewer { kind } }', {}, adminToken));
    stopped = true;
    await s.stop();
    const c = new Client({ connectionString: s.app.databaseUrl });
    await c.connect();
    try {
      const rows = await c.query<{ n: string }>(`select count(*) as n from request_logs where account_id = $1 and operation_name = 'AtStop'`, [accountId]);
      expect(Number(rows.rows[0].n)).toBe(1);
      const left = await c.query('select pid from pg_stat_activity where application_name = $1', [writerApplicationName()]);
      expect(left.rows).toEqual([]);
    } finally {
      await c.end();
    }
  });
});
