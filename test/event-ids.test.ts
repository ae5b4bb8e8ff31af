import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { toGlobalId } from '../src/graphql/global-id';
import type { EventRow } from '../src/events/event-row';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { insertApiToken, insertTwoTenants } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';
import { subscribe } from './support/ws-client';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

const LIST = `query($first: Int, $after: String) { activity(first: $first, after: $after) { totalCount edges { cursor node { id cursor type } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const SUB = `subscription($after: String) { activity(after: $after) { id cursor type } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on ActivityEvent { cursor type message { id } } } }`;

/** One account with tenants A and B (own domains, one message each) and a tenant token for each. */
async function twoTenants() {
  const { accountId, adminToken } = await s.newAccount();
  const { tA, tB, dA, dB } = await insertTwoTenants(s, accountId);
  const mA = await insertMessage(s, { accountId, domainUuid: dA.id, tenantUuid: tA.id });
  const mB = await insertMessage(s, { accountId, domainUuid: dB.id, tenantUuid: tB.id });
  const token = async (tenantUuid: string) => (await insertApiToken(s, { accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid })).secret;
  return { accountId, adminToken, mA, mB, tokenA: await token(tA.id), tokenB: await token(tB.id) };
}

/** Writes A, B, B, A, B, A … so A's events have holes in the global sequence where B's are. */
async function interleave(w: Awaited<ReturnType<typeof twoTenants>>, rounds: number): Promise<{ a: EventRow[]; b: EventRow[] }> {
  const a: EventRow[] = [];
  const b: EventRow[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(...(await recordEvents(s, w.mA, [ActivityEventType.QUEUED])));
    b.push(...(await recordEvents(s, w.mB, Array(1 + (i % 3)).fill(ActivityEventType.QUEUED))));
  }
  return { a, b };
}

/** The 16 sealed bytes behind an event id (`ActivityEvent:<key>`) or cursor (`<key>`), checking the shape. */
function sealedBytes(value: string, kind: 'id' | 'cursor'): Buffer {
  const key = kind === 'id' ? /^ActivityEvent:([A-Za-z0-9_-]{22})$/.exec(Buffer.from(value, 'base64url').toString('utf8'))?.[1] : value;
  expect(key, value).toMatch(/^[A-Za-z0-9_-]{22}$/);
  return Buffer.from(key!, 'base64url');
}

/** The event id as 8-byte big- and little-endian integers. */
function encodingsOf(id: string): Buffer[] {
  const be = Buffer.alloc(8);
  be.writeBigUInt64BE(BigInt(id));
  const le = Buffer.alloc(8);
  le.writeBigUInt64LE(BigInt(id));
  return [be, le, Buffer.from(`:${id}`)];
}

describe('event ids and cursors', () => {
  it('reveal nothing of the global sequence: not the number in any encoding, stable across queries, the same over HTTP, node(id) and the socket', async () => {
    const w = await twoTenants();
    const { a } = await interleave(w, 6);
    const first = (await s.gql<any, any>(LIST, { first: 50 }, w.tokenA)).data.activity;
    const again = (await s.gql<any, any>(LIST, { first: 50 }, w.tokenA)).data.activity;
    expect(first.totalCount).toBe(6);
    expect(again.edges).toEqual(first.edges);
    for (const [i, edge] of first.edges.entries()) {
      const row = a[a.length - 1 - i];
      expect(edge.cursor).toBe(edge.node.cursor);
      expect(edge.cursor).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(edge.node.id, 'base64url').toString('utf8')).not.toContain(`:${row.id}`);
      for (const bytes of [sealedBytes(edge.cursor, 'cursor'), sealedBytes(edge.node.id, 'id')]) {
        for (const enc of encodingsOf(row.id)) expect(bytes.includes(enc)).toBe(false);
      }
    }
    // Consecutive events share no prefix that would show the distance between them.
    const cursors = first.edges.map((e: any) => sealedBytes(e.cursor, 'cursor'));
    for (let i = 1; i < cursors.length; i++) expect(cursors[i].subarray(0, 4).equals(cursors[i - 1].subarray(0, 4))).toBe(false);

    const viaNode = await s.gql<any, any>(NODE, { id: first.edges[0].node.id }, w.tokenA);
    expect(viaNode.data.node).toEqual({ id: first.edges[0].node.id, cursor: first.edges[0].cursor, type: 'QUEUED', message: { id: toGlobalId('Message', w.mA.id) } });
    // Another client of the account and another account get nothing for it.
    expect((await s.gql<any, any>(NODE, { id: first.edges[0].node.id }, w.tokenB)).data.node).toBeNull();
    const other = await twoTenants();
    expect((await s.gql<any, any>(NODE, { id: first.edges[0].node.id }, other.adminToken)).data.node).toBeNull();
    // A sealed id of one type is no id of another, and a tampered one loads nothing.
    const tampered = Buffer.from(`ActivityEvent:${'A'.repeat(21)}A`).toString('base64url');
    expect((await s.gql<any, any>(NODE, { id: tampered }, w.tokenA)).data.node).toBeNull();

    const sub = subscribe(s.url, w.tokenA, SUB, { after: first.edges[2].cursor }, (d: any) => d.activity);
    await sub.waitFor(2);
    expect(sub.items).toEqual(
      first.edges
        .slice(0, 2)
        .reverse()
        .map((e: any) => ({ id: e.node.id, cursor: e.cursor, type: 'QUEUED' })),
    );
    await sub.close();
  });

  it('pages exactly with `after` over HTTP: every event of the tenant once, in order, none of the other’s', async () => {
    const w = await twoTenants();
    const { a } = await interleave(w, 7);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const conn: any = (await s.gql<any, any>(LIST, { first: 2, after }, w.tokenA)).data.activity;
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    const all = (await s.gql<any, any>(LIST, { first: 50 }, w.tokenA)).data.activity.edges.map((e: any) => e.node.id);
    expect(seen).toEqual(all);
    expect(seen).toHaveLength(a.length);
    expect((await s.gql<any, any>(LIST, { first: 50 }, w.tokenB)).data.activity.edges.map((e: any) => e.node.id)).not.toContain(seen[0]);
  });

  it('replays exactly with `after` over the WebSocket while the other tenant keeps writing, then continues live', async () => {
    const w = await twoTenants();
    await interleave(w, 3);
    const page = (await s.gql<any, any>(LIST, { first: 1 }, w.tokenA)).data.activity;
    const missed = await interleave(w, 4);
    const sub = subscribe(s.url, w.tokenA, SUB, { after: page.edges[0].cursor }, (d: any) => d.activity);
    await sub.waitFor(4);
    const live = await interleave(w, 2);
    await sub.waitFor(6);
    await new Promise((r) => setTimeout(r, 300));
    const expected = (await s.gql<any, any>(LIST, { first: 6 }, w.tokenA)).data.activity.edges.map((e: any) => e.node.id).reverse();
    expect(sub.items.map((e: any) => e.id)).toEqual(expected);
    expect(missed.a.length + live.a.length).toBe(6);
    await sub.close();
  });
});

describe('cursor decoding is strict', () => {
  const b64 = (raw: string) => Buffer.from(raw, 'utf8').toString('base64url');

  async function badCursors(w: Awaited<ReturnType<typeof twoTenants>>): Promise<string[]> {
    await recordEvents(s, w.mA, [ActivityEventType.QUEUED]);
    const good: string = (await s.gql<any, any>(LIST, { first: 1 }, w.tokenA)).data.activity.edges[0].cursor;
    const flipped = good.slice(0, 5) + (good[5] === 'A' ? 'B' : 'A') + good.slice(6);
    const other = await twoTenants();
    await recordEvents(s, other.mA, [ActivityEventType.QUEUED]);
    const foreign: string = (await s.gql<any, any>(LIST, { first: 1 }, other.tokenA)).data.activity.edges[0].cursor;
    // The former formats (`e1:<id>`), past the bigint range, non-canonical base64, tampered, another account's.
    return [b64('e1:9999999999999999999'), b64('e1:1'), b64('e1:-1'), flipped, `${good.slice(0, 21)}B`, `${good}=`, good.slice(0, 21), foreign, 'nope', 'x'.repeat(5000)];
  }

  it('answers BAD_USER_INPUT naming `after` over HTTP for every malformed, tampered, out-of-range or foreign cursor', async () => {
    const w = await twoTenants();
    for (const after of await badCursors(w)) {
      const res = await s.gql<any, any>(LIST, { after }, w.tokenA);
      expect(res.errors?.[0].extensions, after).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(JSON.stringify(res)).not.toMatch(/bigint|select|out of range/i);
    }
  });

  it('answers BAD_USER_INPUT naming `after` to a subscription with such a cursor, and streams nothing', async () => {
    const w = await twoTenants();
    for (const after of (await badCursors(w)).slice(0, 5)) {
      const sub = subscribe(s.url, w.tokenA, SUB, { after }, (d: any) => d.activity);
      await expect.poll(() => sub.errors.length, { timeout: 5000 }).toBeGreaterThan(0);
      const [errors] = sub.errors as { extensions?: Record<string, unknown> }[][];
      expect(errors[0].extensions, after).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(sub.items).toEqual([]);
      await sub.close();
    }
  });
});

describe('node(id) decoding', () => {
  it('answers BAD_USER_INPUT naming `id` for type names that exist only on Object.prototype, and for a uuid type with a sealed key', async () => {
    const w = await twoTenants();
    const uuid = w.mA.id;
    for (const type of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const res = await s.gql<any, any>(NODE, { id: toGlobalId(type, uuid) }, w.adminToken);
      expect(res.errors?.[0].extensions, type).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    }
    const sealedMessage = toGlobalId('Message', 'A'.repeat(22));
    expect((await s.gql<any, any>(NODE, { id: sealedMessage }, w.adminToken)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const q = `query($id: ID!) { message(id: $id) { id } }`;
    expect((await s.gql<any, any>(q, { id: sealedMessage }, w.adminToken)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});
