import { Writable } from 'node:stream';
import { auditServer } from 'graphql-http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDocument, TenantsDocument } from './generated/graphql';
import { errorCode, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
const logLines: string[] = [];
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  s = await startTestServer({}, { deps: { logger: pino({ level: 'info' }, sink) } });
});
afterAll(() => s?.stop());

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

describe('GraphQL over HTTP', () => {
  it('passes the graphql-http server audit with no error and no warning', async () => {
    const results = await auditServer({ url: `${s.url}/graphql` });
    const problems = results.filter((r) => r.status !== 'ok').map((r) => `${r.status} ${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(problems.join('\n')).toBe('');
  });

  it('answers malformed JSON with a coded error and logs one line, no stack trace', async () => {
    const before = logLines.length;
    const res = await post('{"query": "{ viewer { kind } }"');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ errors: [{ message: 'Malformed JSON body', extensions: { code: 'BAD_USER_INPUT' } }] });
    const added = logLines.slice(before).filter((l) => l.includes('malformed'));
    expect(added).toHaveLength(1);
    expect(added[0]).not.toMatch(/\bat \w+ \(|stack/);
  });

  it('serves /healthz', async () => {
    const res = await fetch(`${s.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves GraphiQL from its own dependencies to a browser', async () => {
    const page = await fetch(`${s.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/graphiql/graphiql.js');
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i);
    for (const asset of ['react.js', 'react-dom.js', 'graphiql.js', 'graphiql.css', 'graphql-ws.js']) {
      const r = await fetch(`${s.url}/graphiql/${asset}`);
      expect(r.status, asset).toBe(200);
      expect((await r.arrayBuffer()).byteLength, asset).toBeGreaterThan(1000);
    }
  });
});

describe('bad input gets a clear coded error and never internals', () => {
  it('rejects malformed ids, cursors and page sizes naming the argument', async () => {
    const { adminToken } = await s.newAccount();
    const cases: [unknown, Record<string, unknown>, string][] = [
      [TenantDocument, { id: 'not-an-id' }, 'id'],
      [TenantDocument, { id: Buffer.from('Domain:018f0000-0000-7000-8000-000000000000').toString('base64url') }, 'id'],
      [TenantDocument, { id: "'; drop table tenants; --" }, 'id'],
      [TenantsDocument, { first: -1 }, 'first'],
      [TenantsDocument, { first: 0 }, 'first'],
      [TenantsDocument, { first: 1_000_000 }, 'first'],
      [TenantsDocument, { after: 'garbage!' }, 'after'],
      [TenantsDocument, { after: Buffer.from('c1:nope').toString('base64url') }, 'after'],
    ];
    for (const [doc, vars, field] of cases) {
      const res = await s.gql(doc as typeof TenantDocument, vars as never, adminToken);
      expect(res.errors?.[0].extensions, JSON.stringify(vars)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(JSON.stringify(res)).not.toMatch(/select |insert |stack|\.ts:\d+/i);
    }
  });

  it('answers a well-formed id of a missing row with NOT_FOUND', async () => {
    const { adminToken } = await s.newAccount();
    const res = await s.gql(TenantDocument, { id: Buffer.from('Tenant:018f0000-0000-7000-8000-000000000000').toString('base64url') }, adminToken);
    expect(errorCode(res)).toBe('NOT_FOUND');
  });

  it('coerces wrong variable types into BAD_USER_INPUT', async () => {
    const { adminToken } = await s.newAccount();
    const res = await s.gql(TenantsDocument, { first: 'ten' } as never, adminToken);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  });

  it('enforces depth, alias and token limits', async () => {
    const { adminToken } = await s.newAccount();
    const deep = `{ ${'node(id: "x") { ... on Tenant { '.repeat(15)} id ${'} }'.repeat(15)} }`;
    expect(errorCode(await s.gql(deep, {}, adminToken))).toBe('BAD_USER_INPUT');
    const aliases = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`;
    const aliasRes = await s.gql(aliases, {}, adminToken);
    expect(errorCode(aliasRes)).toBe('BAD_USER_INPUT');
    expect(aliasRes.data ?? null).toBeNull();
    const tokens = `{ ${'viewer { kind } '.repeat(3000)} }`;
    const tokRes = await s.gql(tokens, {}, adminToken);
    expect(errorCode(tokRes)).toBe('BAD_USER_INPUT');
    expect(tokRes.errors?.[0].message).toMatch(/tokens/);
  });

  it('refuses an oversized body', async () => {
    const res = await post(JSON.stringify({ query: '{ viewer { kind } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
