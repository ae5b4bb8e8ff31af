import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { ActivityEventType as E, recordEvents } from './support/activity-fixture';
import { insertApiToken, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';
import { suppressionWorld } from './support/suppression-fixture';

let s: TestServer;
let w: Awaited<ReturnType<typeof suppressionWorld>>;
let offsetMs = 0;
const addr = (p = 'r') => `${unique(p)}@inbox.example.net`;
const EXPORT = 'mutation($i: ExportActivityInput!) { exportActivity(input: $i) { url expiresAt } }';
const HEADER = 'eventId,occurredAt,type,messageId,recipient,status,fromEmail,messageIdHeader,domain,tenantId,senderIdentityId,tags,details';

let mine: string[];
let identityRcpt: string;
let theirs: string;

beforeAll(async () => {
  s = await startTestServer({}, { deps: { clock: { now: () => new Date(Date.now() + offsetMs) } } });
  w = await suppressionWorld(s);
  mine = [addr('one'), addr('two')];
  for (const r of mine) await recordEvents(s, await w.message(r), [E.QUEUED, E.SENT, E.DELIVERED], { ip: '192.0.2.7', note: '=cmd' });
  identityRcpt = addr('ident');
  await recordEvents(s, await w.message(identityRcpt, 'identity'), [E.QUEUED, E.SENT]);
  theirs = addr('theirs');
  await recordEvents(s, await w.message(theirs, 'd2'), [E.QUEUED, E.SENT, E.OPENED]);
});
afterAll(() => s?.stop());

async function link(token: string, input: Record<string, unknown>): Promise<{ url: string; expiresAt: string }> {
  return ok(await s.gql<any, any>(EXPORT, { i: input }, token)).exportActivity;
}
const fetchPath = (url: string) => fetch(`${s.url}${new URL(url).pathname}`);

describe('exportActivity', () => {
  it('streams a CSV with a header row of the events in scope, metadata only, never content', async () => {
    const l = await link(w.tenant1, { format: 'CSV' });
    expect(new Date(l.expiresAt).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    const res = await fetchPath(l.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-length')).toBeNull(); // streamed (chunked), not built first
    const text = await res.text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe(HEADER);
    const rows = lines.slice(1).map((l) => l.split(','));
    const recipients = rows.map((r) => r[4]);
    expect(recipients.filter((r) => mine.includes(r))).toHaveLength(6);
    expect(recipients.filter((r) => r === identityRcpt)).toHaveLength(2);
    expect(text).not.toContain(theirs);
    expect(text).not.toContain(w.d2.name);
    // Content never leaves: the fixture's subject and bodies.
    expect(text).not.toContain('secret body');
    expect(text).not.toContain('Hello');
    const delivered = rows.find((r) => r[2] === 'DELIVERED')!;
    expect(delivered[5]).toBe('QUEUED'); // the message's status as stored (the fixture does not move it)
    expect(delivered[8]).toBe(w.d1.name);
    expect(text).toContain('"{""ip"": ""192.0.2.7"", ""note"": ""=cmd""}"');
    // Event ids are the activity query's ids.
    const api = ok(await s.gql<any, any>('{ activity(first: 100) { edges { node { id } } } }', undefined, w.tenant1)).activity.edges.map((e: any) => e.node.id);
    expect(rows.map((r) => r[0]).sort()).toEqual([...api].sort());
  });

  it('streams JSON, applies the filter, and hides the agency domain from an identity client', async () => {
    const all = JSON.parse(await (await fetchPath((await link(w.identity1, { format: 'JSON' })).url)).text());
    expect(all.map((r: any) => [r.recipient, r.type, r.domain])).toEqual([
      [identityRcpt, 'QUEUED', null],
      [identityRcpt, 'SENT', null],
    ]);
    expect(all[0].tenantId).toBe(w.gid.t1);
    const filtered = await fetchPath((await link(w.adminToken, { format: 'JSON', filter: { types: ['DELIVERED'], recipient: mine[0].toUpperCase() } })).url);
    expect(filtered.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const rows = JSON.parse(await filtered.text());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'DELIVERED', recipient: mine[0], domain: w.d1.name, details: { ip: '192.0.2.7' }, tags: [] });
    expect(Object.keys(rows[0])).toEqual(HEADER.split(','));
    const empty = await fetchPath((await link(w.adminToken, { format: 'JSON', filter: { recipient: 'nobody@nowhere.example' } })).url);
    expect(JSON.parse(await empty.text())).toEqual([]);
  });

  it('another client’s principal exports none of its rows, even when its filter names them', async () => {
    const csv = await (await fetchPath((await link(w.tenant2, { format: 'CSV', filter: { tenantId: w.gid.t1 } })).url)).text();
    expect(csv.trim()).toBe(HEADER);
    const own = await (await fetchPath((await link(w.tenant2, { format: 'CSV' })).url)).text();
    expect(own).toContain(theirs);
    for (const r of [...mine, identityRcpt]) expect(own).not.toContain(r);
  });

  it('needs ACTIVITY_READ; bad filters are coded errors; tampered, expired and revoked links are 404', async () => {
    const noActivity = await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.DOMAINS_READ], tenantUuid: w.t1.id });
    expect(errorCode(await s.gql<any, any>(EXPORT, { i: { format: 'CSV' } }, noActivity.secret))).toBe('FORBIDDEN');
    const bad = await s.gql<any, any>(EXPORT, { i: { format: 'CSV', filter: { domainIds: ['nope'] } } }, w.tenant1);
    expect([errorCode(bad), bad.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'filter.domainIds']);
    const l = await link(w.tenant1, { format: 'CSV' });
    const token = new URL(l.url).pathname.split('/').at(-1)!;
    expect((await fetch(`${s.url}/activity/export/${token[0] === 'A' ? 'B' : 'A'}${token.slice(1)}`)).status).toBe(404);
    offsetMs = 61 * 60_000;
    try {
      expect((await fetchPath(l.url)).status).toBe(404);
    } finally {
      offsetMs = 0;
    }
    const revocable = await insertApiToken(s, { accountId: w.accountId, permissions: [Permission.ACTIVITY_READ], tenantUuid: w.t1.id });
    const own = await link(revocable.secret, { format: 'CSV' });
    expect((await fetchPath(own.url)).status).toBe(200);
    await systemEm(s.app.orm).nativeUpdate(ApiToken, { id: revocable.tokenUuid }, { revokedAt: new Date() });
    expect((await fetchPath(own.url)).status).toBe(404);
  });
});
