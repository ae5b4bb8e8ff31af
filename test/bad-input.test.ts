import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graphql/global-id';
import { insertMessage } from './support/activity-fixture';
import { buildTenant, insertDomain } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

const INTERNALS = /select |insert |update .* set|stack|\.ts:\d+| at [\w.<>]+ \(|Maximum call stack/i;
const NUL = '\u0000';

/** A list literal (or JSON value) nested `n` deep, built without recursion. */
function deepList(n: number): string {
  return '['.repeat(n) + '"x"' + ']'.repeat(n);
}
/** JSON text of an object nested `n` deep (as text: JSON.stringify itself would overflow). */
function deepJson(n: number): string {
  return '{"a":'.repeat(n) + '"x"' + '}'.repeat(n);
}

async function postRaw(body: string, token?: string): Promise<any> {
  const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  return res.json();
}

function expectBadInput(res: { errors?: readonly { extensions?: Record<string, unknown> }[] }, field?: string) {
  expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res).slice(0, 300)).toBe('BAD_USER_INPUT');
  if (field) expect(res.errors?.[0]?.extensions?.field).toBe(field);
  expect(JSON.stringify(res)).not.toMatch(INTERNALS);
}

describe('NUL characters are refused where strings enter, naming the field', () => {
  it('in argument literals, variables, nested inputs and stored text', async () => {
    const { adminToken } = await s.newAccount();
    expectBadInput(await s.gql('{ templates(tag: "a\\u0000") { totalCount } }', {}, adminToken), 'tag');
    expectBadInput(await s.gql('query($t: String) { templates(tag: $t) { totalCount } }', { t: `a${NUL}` }, adminToken), 't');
    expectBadInput(await s.gql('{ activity(filter: { recipient: "x\\u0000@example.com" }) { totalCount } }', {}, adminToken), 'filter.recipient');
    expectBadInput(await s.gql('query($f: ActivityFilterInput) { activity(filter: $f) { totalCount } }', { f: { recipient: `x${NUL}@example.com` } }, adminToken), 'f.recipient');
    const create = 'mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }';
    expectBadInput(await s.gql(create, { input: { name: `Evil${NUL}Corp`, tag: 'evil' } }, adminToken), 'input.name');
    expectBadInput(await s.gql('mutation { createTenant(input: { name: "Evil\\u0000", tag: "evil2" }) { tenant { id } } }', {}, adminToken), 'input.name');
    // Nothing was stored.
    const list = await s.gql<any, never>('{ tenants { totalCount } }', undefined, adminToken);
    expect(list.data.tenants.totalCount).toBe(0);
  });

  it('in JSON scalar values (keys and values, literal and variable)', async () => {
    const { accountId, adminToken } = await s.newAccount();
    const domain = await insertDomain(s, { accountId });
    const m = await insertMessage(s, { accountId, domainUuid: domain.id });
    const mutation = 'mutation($input: RecordDeliveryEventsInput!) { recordDeliveryEvents(input: $input) { recorded } }';
    const event = (data: unknown) => ({ input: { events: [{ eventId: 'e1', messageId: toGlobalId('Message', m.id), type: 'DELIVERED', occurredAt: new Date().toISOString(), data }] } });
    expectBadInput(await s.gql(mutation, event({ note: `a${NUL}b` }) as never, adminToken), 'input.events[0].data.note');
    expectBadInput(await s.gql(mutation, event({ [`k${NUL}`]: 1 }) as never, adminToken), 'input.events[0].data.k\\u0000');
    const literal = `mutation { recordDeliveryEvents(input: { events: [{ eventId: "e2", messageId: "${toGlobalId('Message', m.id)}", type: DELIVERED, occurredAt: "${new Date().toISOString()}", data: { note: "a\\u0000" } }] }) { recorded } }`;
    expectBadInput(await s.gql(literal, {}, adminToken), 'input.events.data.note');
    // A clean event still goes in.
    const okRes = await s.gql<any, never>(mutation, event({ note: 'fine' }) as never, adminToken);
    expect(okRes.data?.recordDeliveryEvents.recorded).toBe(1);
  });
});

describe('nesting depth is bounded before anything walks the input', () => {
  it('a list literal nested 2,460 deep in the document', async () => {
    const { adminToken } = await s.newAccount();
    const res = await s.gql(`{ templates(tag: ${deepList(2460)}) { totalCount } }`, {}, adminToken);
    expectBadInput(res, 'query');
    expect(res.errors?.[0].message).toMatch(/nests more than \d+ levels/);
  });

  it('deep JSON in variables and in event data', async () => {
    const { accountId, adminToken } = await s.newAccount();
    const domain = await insertDomain(s, { accountId });
    const m = await insertMessage(s, { accountId, domainUuid: domain.id });
    const mutation = 'mutation($input: RecordDeliveryEventsInput!) { recordDeliveryEvents(input: $input) { recorded } }';
    const event = `{"eventId":"deep","messageId":"${toGlobalId('Message', m.id)}","type":"DELIVERED","occurredAt":"${new Date().toISOString()}","data":${deepJson(30_000)}}`;
    const res = await postRaw(`{"query":${JSON.stringify(mutation)},"variables":{"input":{"events":[${event}]}}}`, adminToken);
    expectBadInput(res);
    expect(String(res.errors?.[0].extensions?.field)).toMatch(/^input\.events\[0\]\.data(\.a)+$/);
    // An unused variable nested deep is refused too (nothing walks it later).
    expectBadInput(await postRaw(`{"query":"{ viewer { kind } }","variables":{"junk":${deepJson(30_000)}}}`, adminToken));
    // Deep extensions as well.
    expectBadInput(await postRaw(`{"query":"{ __typename }","extensions":${deepJson(30_000)}}`));
  });

  it('over GET too (NUL and depth in the variables parameter)', async () => {
    const { adminToken } = await s.newAccount();
    const get = async (query: string, variables: string) =>
      (
        await fetch(`${s.url}/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(variables)}`, {
          headers: { accept: 'application/json', authorization: `Bearer ${adminToken}` },
        })
      ).json() as never;
    expectBadInput(await get('query($t: String) { templates(tag: $t) { totalCount } }', JSON.stringify({ t: `a${NUL}` })), 't');
    expectBadInput(await get('query($t: String) { templates(tag: $t) { totalCount } }', `{"t":"x","junk":${deepJson(500)}}`));
  });
});

describe('a subscription sent over HTTP', () => {
  it('is refused with a coded client error pointing at the WebSocket, for the public and members alike', async () => {
    const { adminToken } = await s.newAccount();
    for (const token of [null, adminToken]) {
      const res = await s.gql('subscription { domainStatusChanged { id } }', {}, token);
      expectBadInput(res, 'query');
      expect(res.errors?.[0].message).toMatch(/WebSocket at \/graphql/);
      expect(res.status).toBeLessThan(500);
    }
    // A query picked by operationName from a document that also has a subscription still runs.
    const mixed = await s.gql<any, never>('query Q { viewer { kind } } subscription S { domainStatusChanged { id } }', undefined, adminToken);
    expect(mixed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT'); // no operationName: ambiguous, GraphQL's own error
    const picked = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query: 'query Q { viewer { kind } } subscription S { domainStatusChanged { id } }', operationName: 'Q' }),
    });
    expect(((await picked.json()) as any).data.viewer.kind).toBe('API_TOKEN');
  });
});

describe('GraphiQL assets', () => {
  it('answers 404 for names on Object.prototype', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const res = await fetch(`${s.url}/graphiql/${name}`);
      expect(res.status, name).toBe(404);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');
    }
  });

  it('node(id:) with a type named after an Object.prototype member is a bad id, not a 500', async () => {
    const { adminToken } = await s.newAccount();
    for (const type of ['constructor', 'toString', 'hasOwnProperty']) {
      const res = await s.gql('query($id: ID!) { node(id: $id) { id } }', { id: toGlobalId(type, '018f0000-0000-7000-8000-000000000000') } as never, adminToken);
      expectBadInput(res, 'id');
    }
  });
});

describe('a body over the limit', () => {
  it('answers 413 with connection: close, and a keep-alive client’s next request works', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const target = new URL(`${s.url}/graphql`);
    const send = (body: string) =>
      new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
        const req = httpRequest(
          { host: target.hostname, port: target.port, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const big = await send(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
      expect(big.status).toBe(413);
      expect(big.connection).toBe('close');
      const next = await send(JSON.stringify({ query: '{ __typename }' }));
      expect(next.status).toBe(200);
      expect(JSON.parse(next.text)).toEqual({ data: { __typename: 'Query' } });
    } finally {
      agent.destroy();
    }
  });
});

describe('tenants', () => {
  it('a tenant created with clean text still works (the guard does not refuse ordinary input)', async () => {
    const { adminToken } = await s.newAccount();
    expect(await buildTenant(s, adminToken, 'Ünïcödé ✓ "quoted" [brackets] {braces}')).toBeTruthy();
  });
});
