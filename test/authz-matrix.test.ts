import { buildClientSchema, getIntrospectionQuery, type GraphQLField, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { SenderIdentity } from '../src/modules/identities/sender-identity.entity';
import { Template } from '../src/modules/templates/template.entity';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { Domain } from '../src/modules/domains/domain.entity';
import { Suppression } from '../src/modules/suppressions/suppression.entity';
import { WebhookDelivery } from '../src/modules/webhooks/webhook-delivery.entity';
import { Webhook } from '../src/modules/webhooks/webhook.entity';
import { Report } from '../src/modules/analytics/report.entity';
import { BlocklistMonitor } from '../src/modules/blocklist/blocklist-monitor.entity';
import { DmarcMonitor } from '../src/modules/dmarc/dmarc-monitor.entity';
import { DmarcReport } from '../src/modules/dmarc/dmarc-report.entity';
import { BulkSend } from '../src/modules/sending/bulk-send.entity';
import { MessageAttachment } from '../src/modules/attachments/message-attachment.entity';
import { Message } from '../src/modules/sending/message.entity';
import { SmtpUser } from '../src/modules/smtp-relay/smtp-user.entity';
import { buildMatrixFixture, type MatrixFixture } from './support/matrix-fixture';
import { operationsFor, type ScalarOverride } from './support/schema-walker';
import { startTestServer, type TestServer } from './support/harness';
import { wsSession } from './support/ws-client';

let s: TestServer;
let fx: MatrixFixture;
let schema: GraphQLSchema;

beforeAll(async () => {
  s = await startTestServer();
  fx = await buildMatrixFixture(s);
  const res = await s.gql<IntrospectionQuery, never>(getIntrospectionQuery(), undefined, null);
  schema = buildClientSchema(res.data!);
});
afterAll(() => s?.stop());

interface Leak {
  principal: string;
  field: string;
  variables: unknown;
  marker: string;
  response: string;
}

function rootFields(kind: 'query' | 'mutation'): GraphQLField<unknown, unknown>[] {
  const root = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  return root ? Object.values(root.getFields()) : [];
}

async function snapshot(): Promise<string> {
  const em = systemEm(s.app.orm);
  const uuid = (gid: string) => Buffer.from(gid, 'base64url').toString().split(':')[1];
  const ids = (t: string) => fx.foreignIds[t].map(uuid);
  const rows = await Promise.all([
    em.find(Tenant, { id: { $in: ids('Tenant') } }, { orderBy: { id: 'asc' } }),
    em.find(Domain, { id: { $in: ids('Domain') } }, { orderBy: { id: 'asc' } }),
    em.find(SenderIdentity, { id: { $in: ids('SenderIdentity') } }, { orderBy: { id: 'asc' } }),
    em.find(Template, { id: { $in: ids('Template') } }, { orderBy: { id: 'asc' } }),
    em.find(Suppression, { $or: [{ id: { $in: ids('Suppression') } }, { domain: { $in: ids('Domain') } }] }, { orderBy: { id: 'asc' } }),
    em.find(Webhook, { id: { $in: ids('Webhook') } }, { orderBy: { id: 'asc' } }),
    em.find(WebhookDelivery, { id: { $in: ids('WebhookDelivery') } }, { orderBy: { id: 'asc' } }),
    em.find(Report, { id: { $in: ids('Report') } }, { orderBy: { id: 'asc' } }),
    em.find(BlocklistMonitor, { id: { $in: ids('BlocklistMonitor') } }, { orderBy: { id: 'asc' } }),
    em.find(DmarcMonitor, { $or: [{ id: { $in: ids('DmarcMonitor') } }, { domain: { $in: ids('Domain') } }] }, { orderBy: { id: 'asc' } }),
    em.find(DmarcReport, { $or: [{ id: { $in: ids('DmarcReport') } }, { domain: { $in: ids('Domain') } }] }, { orderBy: { id: 'asc' } }),
    em.find(Message, { id: { $in: ids('Message') } }, { orderBy: { id: 'asc' } }),
    em.find(MessageAttachment, { message: { $in: ids('Message') } }, { orderBy: { id: 'asc' } }),
    em.find(BulkSend, { id: { $in: ids('BulkSend') } }, { orderBy: { id: 'asc' } }),
    // SMTP credentials with their (lazy) password hash: a rename, disable, delete or new password shows.
    em.find(SmtpUser, { $or: [{ id: { $in: ids('SmtpUser') } }, { domain: { $in: ids('Domain') } }] }, { orderBy: { id: 'asc' }, populate: ['passwordHash'] }),
  ]);
  return JSON.stringify(rows.map((list) => list.map((r) => ({ ...r, updatedAt: undefined }))));
}

describe('authorization matrix: every query and mutation, as every principal kind', () => {
  it('never returns a value of another client, and never changes another client’s data', { timeout: 600_000 }, async () => {
    const before = await snapshot();
    // The foreign SMTP users are in it, password hash and all.
    expect(before.match(/"passwordHash":"[0-9a-f]{64}"/g)?.length).toBeGreaterThanOrEqual(2);
    const leaks: Leak[] = [];
    const countMismatches: string[] = [];
    const internalErrors: string[] = [];
    let requests = 0;
    for (const kind of ['query', 'mutation'] as const) {
      for (const field of rootFields(kind)) {
        for (const p of fx.principals) {
          // Aim every id argument at what the principal must not reach, and look for those strings in the answer.
          const pools = { tenant1: fx.foreignIds, accountA: fx.otherAccountIds, accountB: fx.accountAIds, allDomainsTemplate1: fx.templateLimitedForeignIds };
          const pool = pools[p.reach];
          const ids = (t: string | null) => (t ? (pool[t] ?? []) : Object.values(pool).flat());
          const markers = { tenant1: [...fx.tenant2Markers, ...fx.accountBMarkers], accountA: fx.accountBMarkers, accountB: fx.accountAMarkers, allDomainsTemplate1: fx.templateLimitedMarkers }[
            p.reach
          ];
          for (const op of operationsFor(schema, kind, field, ids)) {
            const res = await s.gql<Record<string, any>, any>(op.query, op.variables, p.token);
            requests++;
            const text = JSON.stringify(res);
            const marker = markers.find((m) => text.includes(m));
            if (marker) leaks.push({ principal: p.name, field: op.field, variables: op.variables, marker, response: text.slice(0, 400) });
            const conn = res.data?.[op.field];
            if (kind === 'query' && conn && typeof conn.totalCount === 'number' && Array.isArray(conn.edges) && !conn.pageInfo?.hasNextPage && conn.totalCount !== conn.edges.length) {
              countMismatches.push(`${p.name} ${op.field}: totalCount ${conn.totalCount} but ${conn.edges.length} edges`);
            }
            if (text.includes('INTERNAL_SERVER_ERROR')) internalErrors.push(`${p.name} ${op.field} ${JSON.stringify(op.variables)}`);
            expect(text, `${p.name} ${op.field}`).not.toMatch(/ at [\w.<>]+ \(|\/src\/|select .* from /i);
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(100);
    expect(leaks, JSON.stringify(leaks.slice(0, 5), null, 2)).toEqual([]);
    expect(countMismatches).toEqual([]);
    expect(internalErrors.slice(0, 10)).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('tenant-1 principals still see their own objects (the matrix is not vacuous)', async () => {
    const tenantToken = fx.principals.find((p) => p.name === 'tenant token 1')!.token;
    const res = await s.gql<any, any>(`query($id: ID!) { node(id: $id) { id __typename } }`, { id: fx.ownIds.Tenant[0] }, tenantToken);
    expect(res.data.node).toEqual({ id: fx.ownIds.Tenant[0], __typename: 'Tenant' });
    const foreign = await s.gql<any, any>(`query($id: ID!) { node(id: $id) { id } }`, { id: fx.foreignIds.Tenant[0] }, tenantToken);
    expect(foreign.data.node).toBeNull();
    const own = await s.gql<any, any>('{ suppressions { totalCount edges { node { id } } } }', undefined, tenantToken);
    expect(own.data.suppressions.totalCount).toBe(3);
    expect(own.data.suppressions.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(fx.ownIds.Suppression));
    const hooks = await s.gql<any, any>(`{ webhooks { totalCount edges { node { id deliveries { totalCount edges { node { id } } } } } } }`, {}, tenantToken);
    expect(hooks.data.webhooks.edges).toEqual([{ node: { id: fx.ownIds.Webhook[0], deliveries: { totalCount: 1, edges: [{ node: { id: fx.ownIds.WebhookDelivery[0] } }] } } }]);
    const from = new Date(Date.now() - 2 * 86400_000).toISOString();
    const to = new Date(Date.now() + 86400_000).toISOString();
    const stats = await s.gql<any, any>('query($f: AnalyticsFilterInput!) { analytics(filter: $f) { totals { sent } byTenant { id } byClient { key } } }', { f: { from, to } }, tenantToken);
    expect(stats.data.analytics).toEqual({ totals: { sent: 2 }, byTenant: [{ id: fx.ownIds.Tenant[0] }], byClient: [{ key: 'Client One' }] });
    const adminA = fx.principals.find((p) => p.name === 'admin token A')!.token;
    const reports = await s.gql<any, any>('{ reports { edges { node { id result { totals { sent } } } } } }', undefined, adminA);
    expect(reports.data.reports.edges.map((e: any) => e.node.result.totals.sent)).toEqual([2, 2]);
    expect(reports.data.reports.edges.map((e: any) => e.node.id)).toEqual([fx.ownIds.Report[0], fx.foreignIds.Report[0]]);
    const replay = await s.gql<any, any>(`query($id: ID!) { node(id: $id) { id __typename } }`, { id: fx.ownIds.WebhookReplay[0] }, tenantToken);
    expect(replay.data.node).toEqual({ id: fx.ownIds.WebhookReplay[0], __typename: 'WebhookReplay' });
    // DMARC monitors and their reports: tenant 1's own, found by listing and by node(id).
    const dmarc = await s.gql<any, any>('{ dmarcMonitors { totalCount edges { node { id reports { totalCount edges { node { id } } } } } } }', undefined, tenantToken);
    expect(dmarc.data.dmarcMonitors).toEqual({ totalCount: 1, edges: [{ node: { id: fx.ownIds.DmarcMonitor[0], reports: { totalCount: 1, edges: [{ node: { id: fx.ownIds.DmarcReport[0] } }] } } }] });
    const dmarcNode = await s.gql<any, any>(`query($id: ID!) { node(id: $id) { id __typename } }`, { id: fx.ownIds.DmarcReport[0] }, tenantToken);
    expect(dmarcNode.data.node).toEqual({ id: fx.ownIds.DmarcReport[0], __typename: 'DmarcReport' });
    const allMonitors = await s.gql<any, any>('{ dmarcMonitors { edges { node { id } } } }', undefined, adminA);
    expect(allMonitors.data.dmarcMonitors.edges.map((e: any) => e.node.id).sort()).toEqual([...fx.accountAIds.DmarcMonitor].sort());
    const monitors = await s.gql<any, any>('{ blocklistMonitors { totalCount edges { node { id hits { zone } checks { totalCount } } } } }', undefined, tenantToken);
    expect(monitors.data.blocklistMonitors).toEqual({ totalCount: 1, edges: [{ node: { id: fx.ownIds.BlocklistMonitor[0], hits: [{ zone: 'zone-one.example' }], checks: { totalCount: 1 } } }] });
    const allBlocklistMonitors = await s.gql<any, any>('{ blocklistMonitors { totalCount } }', undefined, adminA);
    expect(allBlocklistMonitors.data.blocklistMonitors.totalCount).toBe(3);
    // Domain health: tenant 1's domain shows its own listing and DMARC monitor; tenant 2's domain is not reachable.
    const health = await s.gql<any, any>(`query($id: ID!) { domain(id: $id) { health { status blocklist { zone } dmarc { monitorId } } } }`, { id: fx.ownIds.Domain[0] }, tenantToken);
    expect(health.data.domain.health).toEqual({ status: 'CRITICAL', blocklist: [{ zone: 'zone-one.example' }], dmarc: { monitorId: fx.ownIds.DmarcMonitor[0] } });
    const foreignHealth = await s.gql<any, any>(`query($id: ID!) { domain(id: $id) { health { status } } }`, { id: fx.foreignIds.Domain[0] }, tenantToken);
    expect(foreignHealth.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Messages (the scheduled one included) and bulk sends: tenant 1's own; the account admin sees both tenants' bulk sends, linked from their messages.
    const messages = await s.gql<any, any>('{ messages { totalCount edges { node { id status } } } }', undefined, tenantToken);
    expect(messages.data.messages.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(fx.ownIds.Message));
    expect(messages.data.messages.edges.find((e: any) => e.node.id === fx.ownIds.Message[1]).node.status).toBe('SCHEDULED');
    const scheduled = await s.gql<any, any>('{ messages(filter: { status: SCHEDULED }) { totalCount edges { node { id bulkEmail { id } } } } }', undefined, adminA);
    expect(scheduled.data.messages.edges).toEqual(
      expect.arrayContaining(fx.accountAIds.Message.filter((_, i) => i % 2 === 1).map((id, i) => ({ node: { id, bulkEmail: { id: fx.accountAIds.BulkSend[i] } } }))),
    );
    const bulks = await s.gql<any, any>('{ bulkEmails(first: 100) { edges { node { id } } } }', undefined, adminA);
    expect(bulks.data.bulkEmails.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(fx.accountAIds.BulkSend));
    // The erasure log is the account's: its admin reads both tenants' records (and nothing of account B's).
    const log = await s.gql<any, any>('{ erasures { totalCount edges { node { id } } } }', undefined, adminA);
    expect(log.data.erasures.edges.map((e: any) => e.node.id).sort()).toEqual([...fx.accountAIds.ErasureRequest].sort());
  });
});

/** A JSON object nested `n` deep (built without recursion). */
function deepObject(n: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 'x' };
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

/** Bad-input classes aimed at every string, JSON and cursor argument of every operation. */
const BAD_INPUT: { name: string; override: ScalarOverride; applies: (op: string) => boolean }[] = [
  { name: 'NUL', applies: (op) => /String|JSONObject/.test(op), override: (t, _f, v) => (t === 'String' ? `${String(v)}\u0000` : t === 'JSONObject' ? { note: 'a\u0000' } : undefined) },
  { name: 'depth', applies: (op) => op.includes('JSONObject') || /Input/.test(op), override: (t) => (t === 'JSONObject' ? deepObject(200) : undefined) },
  { name: 'cursor', applies: (op) => /\$after: String/.test(op), override: (t, f) => (t === 'String' && f === 'after' ? Buffer.from('e1:not-a-number').toString('base64url') : undefined) },
  { name: 'cursor', applies: (op) => /\$after: String/.test(op), override: (t, f) => (t === 'String' && f === 'after' ? Buffer.from('e1:9999999999999999999').toString('base64url') : undefined) },
];

describe('bad input over HTTP and over the WebSocket, as several principals', () => {
  it('NUL strings, deep JSON and bad cursors anywhere answer BAD_USER_INPUT, never internals', async () => {
    const principals = fx.principals.filter((p) => ['admin token A', 'tenant token 1', 'anonymous'].includes(p.name));
    const problems: string[] = [];
    let checked = 0;
    for (const p of principals) {
      const ws = wsSession(s.url, p.token);
      try {
        for (const kind of ['query', 'mutation'] as const) {
          for (const field of rootFields(kind)) {
            for (const bad of BAD_INPUT) {
              const ops = operationsFor(schema, kind, field, () => fx.ownIds.Tenant, 2, { override: bad.override, allArgs: true }).slice(0, 1);
              for (const op of ops) {
                if (!bad.applies(op.query)) continue;
                const text = JSON.stringify(op.variables);
                if (bad.name === 'NUL' && !text.includes('\\u0000')) continue;
                if (bad.name === 'depth' && !text.includes('"a":{"a"')) continue;
                for (const [transport, res] of [
                  ['http', await s.gql<any, any>(op.query, op.variables, p.token)],
                  ['ws', await ws.run(op.query, op.variables)],
                ] as const) {
                  checked++;
                  const body = JSON.stringify(res);
                  const code = res.errors?.[0]?.extensions?.code;
                  // A cursor is decoded after the permission check; NUL and depth are refused before anything runs.
                  const expected = bad.name === 'cursor' ? ['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN'] : ['BAD_USER_INPUT'];
                  if (!expected.includes(code) || /INTERNAL_SERVER_ERROR| at [\w.<>]+ \(|\/src\/|select .* from /i.test(body)) {
                    problems.push(`${bad.name} ${transport} ${p.name} ${op.field}: ${body.slice(0, 200)}`);
                  }
                }
              }
            }
          }
        }
      } finally {
        await ws.close();
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(problems.slice(0, 10)).toEqual([]);
  });
});
