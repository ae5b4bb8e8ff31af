import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writerApplicationName } from '../src/modules/logs/request-log-thread';
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
    const { Client } = await import('pg');
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
