import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { findSuppressions } from '../src/modules/suppressions/suppressions.queries';
import { ActivityEventType as E, recordEvents } from './support/activity-fixture';
import { insertApiToken, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { SUPPRESSION_FIELDS, suppressionWorld } from './support/suppression-fixture';
import { subscribe } from './support/ws-client';

let s: TestServer;
let w: Awaited<ReturnType<typeof suppressionWorld>>;
let offsetMs = 0;
const addr = (p = 'r') => `${unique(p)}@inbox.example.net`;

beforeAll(async () => {
  s = await startTestServer({ runWorker: true }, { deps: { clock: { now: () => new Date(Date.now() + offsetMs) } } });
  w = await suppressionWorld(s);
});
afterAll(() => s?.stop());

const ADD = 'mutation($i: AddSuppressionsInput!) { addSuppressions(input: $i) { suppressions { id recipient } } }';
const REMOVE = 'mutation($i: RemoveSuppressionsInput!) { removeSuppressions(input: $i) { removedCount } }';
const IMPORT = 'mutation($i: ImportSuppressionsInput!) { importSuppressions(input: $i) { import { id status total processed added skipped invalid } } }';
const EXPORT = 'mutation($i: ExportSuppressionsInput!) { exportSuppressions(input: $i) { url expiresAt } }';
const count = async (token: string, filter: Record<string, unknown>) =>
  ok(await s.gql<any, any>('query($f: SuppressionFilterInput) { suppressions(filter: $f) { totalCount } }', { f: filter }, token)).suppressions.totalCount as number;

describe('import', () => {
  it('imports a 5,000-row CSV in the background with progress and exact counts', async () => {
    const existing = Array.from({ length: 10 }, () => addr('pre'));
    ok(await s.gql<any, any>(ADD, { i: { list: 'UNSUBSCRIBE', domainId: w.gid.d2, recipients: existing } }, w.adminToken));
    const fresh = Array.from({ length: 4980 }, (_, i) => `bulk${i}-${unique('x')}@import.example`);
    const rows = [...fresh, ...existing, ...fresh.slice(0, 5), 'not-an-address', '"quoted, comma"', 'a@@b', 'x@', '@nope'];
    expect(rows).toHaveLength(5000);
    const csv = `email,name\r\n${rows.map((r, i) => (i % 2 ? `${r},Name ${i}` : r)).join('\r\n')}\r\n`;
    const started = ok(await s.gql<any, any>(IMPORT, { i: { list: 'UNSUBSCRIBE', domainId: w.gid.d2, csv, reason: 'old ESP' } }, w.tenant2)).importSuppressions.import;
    expect(started).toMatchObject({ total: 5000, processed: 0, added: 0 });
    const seen: number[] = [];
    let last: any;
    await expect
      .poll(
        async () => {
          last = ok(await s.gql<any, any>('query($id: ID!) { suppressionImport(id: $id) { status total processed added skipped invalid } }', { id: started.id }, w.tenant2)).suppressionImport;
          seen.push(last.processed);
          return last.status;
        },
        { timeout: 30_000, interval: 20 },
      )
      .toBe('COMPLETED');
    expect(last).toEqual({ status: 'COMPLETED', total: 5000, processed: 5000, added: 4980, skipped: 15, invalid: 5 });
    expect(seen.every((p) => p % 500 === 0)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(await count(w.adminToken, { domainIds: [w.gid.d2], lists: ['UNSUBSCRIBE'], query: 'import.example' })).toBe(4980);
    // Another client can neither read the import nor import into tenant 2's domain.
    expect(errorCode(await s.gql<any, any>('query($id: ID!) { suppressionImport(id: $id) { id } }', { id: started.id }, w.tenant1))).toBe('NOT_FOUND');
    expect(errorCode(await s.gql<any, any>(IMPORT, { i: { list: 'UNSUBSCRIBE', domainId: w.gid.d2, csv: 'a@b.io' } }, w.tenant1))).toBe('NOT_FOUND');
    const tooMany = await s.gql<any, any>(IMPORT, { i: { list: 'UNSUBSCRIBE', domainId: w.gid.d1, csv: Array.from({ length: 50_001 }, (_, i) => `${i}@a.io`).join('\n') } }, w.tenant1);
    expect([errorCode(tooMany), tooMany.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'csv']);
  });
});

describe('export', () => {
  it('streams the CSV of what the principal may read, expires, and refuses a tampered link', async () => {
    const mine = [addr('exp1'), addr('exp2')];
    ok(await s.gql<any, any>(ADD, { i: { list: 'BLOCKLIST', domainId: w.gid.d1, recipients: mine, patterns: ['=cmd*@x.io'] } }, w.tenant1));
    ok(await s.gql<any, any>(ADD, { i: { list: 'BLOCKLIST', domainId: w.gid.d2, recipients: [addr('other')] } }, w.adminToken));
    const link = ok(await s.gql<any, any>(EXPORT, { i: { filter: { lists: ['BLOCKLIST'] } } }, w.tenant1)).exportSuppressions;
    expect(new Date(link.expiresAt).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    const path = new URL(link.url).pathname;
    const res = await fetch(`${s.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-length')).toBeNull(); // streamed (chunked), not built first
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('list,recipient,pattern,domain,reason,source,created_at,expires_at');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[1] || l.split(',')[2])
        .sort(),
    ).toEqual([...mine, "'=cmd*@x.io"].sort());
    expect(lines.every((l) => !l.includes(w.d2.name))).toBe(true);
    // The admin's link sees both domains.
    const adminLink = ok(await s.gql<any, any>(EXPORT, { i: { filter: { lists: ['BLOCKLIST'], domainIds: [w.gid.d2] } } }, w.adminToken)).exportSuppressions;
    const adminCsv = await (await fetch(`${s.url}${new URL(adminLink.url).pathname}`)).text();
    expect(adminCsv).toContain(w.d2.name);
    // Tampered: one character of the payload changed.
    const token = path.split('/').at(-1)!;
    const tampered = `${token[0] === 'A' ? 'B' : 'A'}${token.slice(1)}`;
    expect((await fetch(`${s.url}/suppressions/export/${tampered}`)).status).toBe(404);
    offsetMs = 61 * 60_000;
    try {
      expect((await fetch(`${s.url}${path}`)).status).toBe(404);
    } finally {
      offsetMs = 0;
    }

    // The link is its principal's: once that token is revoked, the link shows nothing.
    const { secret: revocable, tokenUuid } = await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.SUPPRESSIONS_READ], tenantUuid: w.t1.id });
    const own = ok(await s.gql<any, any>(EXPORT, { i: { filter: { lists: ['BLOCKLIST'] } } }, revocable)).exportSuppressions;
    const ownPath = new URL(own.url).pathname;
    expect((await fetch(`${s.url}${ownPath}`)).status).toBe(200);
    await systemEm(s.app.orm).nativeUpdate(ApiToken, { id: tokenUuid }, { revokedAt: new Date() });
    expect((await fetch(`${s.url}${ownPath}`)).status).toBe(404);
  });
});

describe('recipient()', () => {
  it('shows the entries in the caller’s scope and the last events; nothing to another client', async () => {
    const r = addr('who');
    const m = await w.message(r);
    await recordEvents(s, m, [E.DELIVERED, E.UNSUBSCRIBED]);
    await s.app.consumers!.drain();
    const q = `query($e: String!, $d: ID) { recipient(email: $e, domainId: $d) { email suppressed suppressions { list recipient pattern } events(first: 5) { totalCount edges { node { type } } } } }`;
    const mine = ok(await s.gql<any, any>(q, { e: r.toUpperCase(), d: w.gid.d1 }, w.tenant1)).recipient;
    expect(mine).toMatchObject({ email: r, suppressed: true, suppressions: [{ list: 'UNSUBSCRIBE', recipient: r }] });
    expect(mine.events.edges.map((e: any) => e.node.type)).toEqual(['UNSUBSCRIBED', 'DELIVERED']);
    const theirs = ok(await s.gql<any, any>(q, { e: r, d: w.gid.d1 }, w.tenant2)).recipient;
    expect(theirs).toMatchObject({ suppressed: false, suppressions: [], events: { totalCount: 0 } });
    const bad = await s.gql<any, any>(q, { e: 'nope', d: null }, w.tenant1);
    expect([errorCode(bad), bad.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'email']);
  });
});

describe('suppressionChanged', () => {
  it('yields added and removed entries to subscribers whose scope admits them, from the API and the consumer', async () => {
    const sel = `subscription { suppressionChanged { kind suppressionId list domainId suppression { recipient } } }`;
    const one = subscribe<any>(s.url, w.tenant1, sel, {}, (d) => d.suppressionChanged);
    const two = subscribe<any>(s.url, w.tenant2, sel, {}, (d) => d.suppressionChanged);
    const denied = subscribe<any>(s.url, w.noSuppressions1, sel, {}, (d) => d.suppressionChanged);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const r = addr('live');
      const added = ok(await s.gql<any, any>(ADD, { i: { list: 'UNSUBSCRIBE', domainId: w.gid.d1, recipients: [r] } }, w.adminToken)).addSuppressions.suppressions[0];
      const [a] = await one.waitFor(1);
      expect(a).toEqual({ kind: 'ADDED', suppressionId: added.id, list: 'UNSUBSCRIBE', domainId: w.gid.d1, suppression: { recipient: r } });
      expect(ok(await s.gql<any, any>(REMOVE, { i: { ids: [added.id] } }, w.tenant1)).removeSuppressions.removedCount).toBe(1);
      const items = await one.waitFor(2);
      expect(items[1]).toEqual({ kind: 'REMOVED', suppressionId: added.id, list: 'UNSUBSCRIBE', domainId: w.gid.d1, suppression: null });
      const bounced = addr('live-bounce');
      await recordEvents(s, await w.message(bounced), [E.HARD_BOUNCED]);
      await s.app.consumers!.drain();
      const third = (await one.waitFor(3))[2];
      expect(third).toMatchObject({ kind: 'ADDED', list: 'HARD_BOUNCE', suppression: { recipient: bounced } });
      await new Promise((r) => setTimeout(r, 300));
      expect(two.items).toEqual([]);
      expect(denied.items).toEqual([]);
      expect(JSON.stringify(denied.errors)).toContain('FORBIDDEN');
    } finally {
      await Promise.all([one.close(), two.close(), denied.close()]);
    }
  });
});

describe('isolation', () => {
  it('a client’s entries never block, show, count, or yield to another client’s removal', async () => {
    const r = addr('iso');
    await recordEvents(s, await w.message(r), [E.UNSUBSCRIBED]);
    await recordEvents(s, await w.message(r, 'identity'), [E.HARD_BOUNCED]);
    await s.app.consumers!.drain();
    const em = systemEm(s.app.orm);
    expect((await findSuppressions(em, { accountId: w.accountId, domainId: w.d1.id }, [r])).get(r)?.list).toBe('UNSUBSCRIBE');
    expect((await findSuppressions(em, { accountId: w.accountId, domainId: w.d2.id }, [r])).size).toBe(0);
    // The identity's hard bounce on the agency domain stops that identity's mail, not the domain's own.
    expect((await findSuppressions(em, { accountId: w.accountId, domainId: w.da.id, senderIdentityId: w.i1.id }, [r])).get(r)?.list).toBe('HARD_BOUNCE');
    expect((await findSuppressions(em, { accountId: w.accountId, domainId: w.da.id, senderIdentityId: null }, [r])).size).toBe(0);
    expect(await count(w.tenant2, { query: r })).toBe(0);
    expect(await count(w.tenant1, { query: r })).toBe(2);
    expect(await count(w.identity1, { query: r })).toBe(1);
    const ids = ok(await s.gql<any, any>('query($f: SuppressionFilterInput) { suppressions(filter: $f) { edges { node { id } } } }', { f: { query: r } }, w.tenant1)).suppressions.edges.map(
      (e: any) => e.node.id,
    );
    expect(ok(await s.gql<any, any>(REMOVE, { i: { ids } }, w.tenant2)).removeSuppressions.removedCount).toBe(0);
    expect(errorCode(await s.gql<any, any>(REMOVE, { i: { all: true, domainId: w.gid.d1 } }, w.tenant2))).toBe('NOT_FOUND');
    expect(ok(await s.gql<any, any>(REMOVE, { i: { all: true, list: 'UNSUBSCRIBE' } }, w.identity1)).removeSuppressions.removedCount).toBe(0);
    for (const id of ids) expect(ok(await s.gql<any, any>('query($id: ID!) { node(id: $id) { id } }', { id }, w.tenant2)).node).toBeNull();
    expect(await count(w.tenant1, { query: r })).toBe(2);
    expect(errorCode(await s.gql<any, any>(ADD, { i: { list: 'UNSUBSCRIBE', domainId: w.gid.d1, recipients: [r] } }, w.tenant2))).toBe('NOT_FOUND');
  });
});
