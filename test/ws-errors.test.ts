import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { insertApiToken, insertDomain, unique } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';
import { wsSession } from './support/ws-client';

let s: TestServer;
const logLines: string[] = [];
/** SQL matching this fails as if the database broke (an unexpected error, with the SQL in its message). */
let failOn: RegExp | null = null;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  s = await startTestServer(
    {},
    {
      deps: { logger: pino({ level: 'info' }, sink) },
      onQuery: (sql) => {
        if (failOn?.test(sql)) throw new Error(`broken: ${sql}`);
      },
    },
  );
});
afterAll(() => s?.stop());

const INTERNALS = /select |insert |from "|broken:|stack|\.ts:\d+| at [\w.<>]+ \(/i;

function expectCode(res: { errors?: any[] }, code: string, field?: string) {
  expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res).slice(0, 400)).toBe(code);
  if (field) expect(res.errors?.[0]?.extensions?.field).toBe(field);
  expect(JSON.stringify(res)).not.toMatch(INTERNALS);
}

describe('errors over graphql-ws are formatted as over HTTP', () => {
  it('a NUL in a filter, over a live socket: BAD_USER_INPUT naming the field, no SQL, socket stays open', async () => {
    const { adminToken } = await s.newAccount();
    const ws = wsSession(s.url, adminToken);
    try {
      expectCode(await ws.run('{ templates(tag: "a\\u0000") { totalCount } }'), 'BAD_USER_INPUT', 'tag');
      expectCode(await ws.run('query($r: String) { activity(filter: { recipient: $r }) { totalCount } }', { r: 'x\u0000' }), 'BAD_USER_INPUT', 'r');
      expectCode(await ws.run(`{ templates(tag: ${'['.repeat(2460)}"x"${']'.repeat(2460)}) { totalCount } }`), 'BAD_USER_INPUT', 'query');
      // A syntax error is an error message, not a closed socket.
      expectCode(await ws.run('{ viewer { '), 'BAD_USER_INPUT');
      const okRes = await ws.run('{ viewer { kind } }');
      expect(okRes.data).toEqual({ viewer: { kind: 'API_TOKEN' } });
    } finally {
      await ws.close();
    }
  });

  it('an unexpected error in a query or mutation: masked, coded, with a request id, logged once', async () => {
    const { accountId, adminToken } = await s.newAccount();
    const tag = unique('boom');
    const ws = wsSession(s.url, adminToken);
    try {
      failOn = /from "templates"/;
      const before = logLines.length;
      const res = await ws.run(`{ templates(tag: "${tag}") { totalCount } }`);
      expectCode(res, 'INTERNAL_SERVER_ERROR');
      expect(res.errors?.[0].message).toBe('Internal server error');
      const requestId = res.errors?.[0].extensions.requestId;
      expect(typeof requestId).toBe('string');
      const logged = logLines.slice(before).filter((l) => l.includes('unexpected error'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain(requestId);
      expect(logged[0]).toContain('broken:');
      failOn = /insert into "tenants"/;
      const mutation = await ws.run(`mutation { createTenant(input: { name: "Boom", tag: "${tag}" }) { tenant { id } } }`);
      expectCode(mutation, 'INTERNAL_SERVER_ERROR');
    } finally {
      failOn = null;
      await ws.close();
    }
    expect(await systemEm(s.app.orm).count(Tenant, { account: accountId })).toBe(0);
  });

  it('a subscription whose stream throws, one whose subscribe refuses, and a bad cursor: each coded', async () => {
    const { accountId, adminToken } = await s.newAccount();
    const domain = await insertDomain(s, { accountId });
    const m = await insertMessage(s, { accountId, domainUuid: domain.id });
    await recordEvents(s, m, [ActivityEventType.QUEUED]);
    const list = await s.gql<any, never>('{ activity(first: 1) { edges { cursor } } }', undefined, adminToken);
    const cursor = list.data.activity.edges[0].cursor;
    const noActivity = (await insertApiToken(s, { accountId, permissions: [Permission.DOMAINS_READ] })).secret;
    const ws = wsSession(s.url, adminToken);
    const weak = wsSession(s.url, noActivity);
    try {
      // The replay after `cursor` reads the events table: make that read fail inside the stream.
      failOn = /activity_events/;
      const thrown = await ws.run('subscription($after: String) { activity(after: $after) { id } }', { after: cursor });
      failOn = null;
      expectCode(thrown, 'INTERNAL_SERVER_ERROR');
      expect(typeof thrown.errors?.[0].extensions.requestId).toBe('string');
      expectCode(await weak.run('subscription { activity { id } }'), 'FORBIDDEN');
      expectCode(await ws.run('subscription { activity(after: "garbage!") { id } }'), 'BAD_USER_INPUT', 'after');
      expectCode(await ws.run('subscription($f: ActivityFilterInput) { activity(filter: $f) { id } }', { f: { recipient: 'a\u0000' } }), 'BAD_USER_INPUT', 'f.recipient');
      // The socket survived all of it.
      expect((await ws.run('{ viewer { kind } }')).data).toEqual({ viewer: { kind: 'API_TOKEN' } });
    } finally {
      failOn = null;
      await ws.close();
      await weak.close();
    }
  });

  it('an event delivered to a subscriber goes through the same formatting (no raw error in a next message)', async () => {
    const { accountId, adminToken } = await s.newAccount();
    const domain = await insertDomain(s, { accountId });
    const m = await insertMessage(s, { accountId, domainUuid: domain.id, recipient: `${unique('r')}@example.net` });
    const ws = wsSession(s.url, adminToken);
    try {
      await ws.connected;
      const sub = ws.subscribe('subscription { activity { type message { recipient } } }');
      await new Promise((r) => setTimeout(r, 200));
      // Loading the event's message fails: the event arrives with a masked, coded error on that field.
      failOn = /from "messages"/;
      await recordEvents(s, m, [ActivityEventType.DELIVERED]);
      await expect.poll(() => sub.errors.length + sub.items.length, { timeout: 10_000 }).toBeGreaterThan(0);
      failOn = null;
      const text = JSON.stringify([sub.items, sub.errors]);
      expect(text).toContain('INTERNAL_SERVER_ERROR');
      expect(text).toContain('requestId');
      expect(text).not.toMatch(INTERNALS);
    } finally {
      failOn = null;
      await ws.close();
    }
  });
});
