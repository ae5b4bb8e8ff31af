import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission, Role } from '../src/auth/permissions';
import { generateSecret } from '../src/auth/token-format';
import { sha256 } from '../src/lib/crypto';
import { Session } from '../src/modules/members/session.entity';
import { type RowScope, rowScope, type Scope } from '../src/auth/scope';
import { systemEm } from '../src/context';
import { scopeForMembership, scopeForToken } from '../src/modules/access/scope-builder';
import { ApiToken } from '../src/modules/api-tokens/api-token.entity';
import { SenderIdentity, SenderIdentityStatus } from '../src/modules/identities/sender-identity.entity';
import { MemberStatus, Membership } from '../src/modules/members/membership.entity';
import { User } from '../src/modules/members/user.entity';
import { SuppressionList, SuppressionSource } from '../src/modules/suppressions/suppression.enums';
import { deleteEntries, insertEntries, type NewEntry, recipientEntries, streamExport } from '../src/modules/suppressions/suppressions.queries';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { streamActivityExport } from '../src/modules/exports/activity-export.queries';
import { insertMessage, recordEvents, ActivityEventType } from './support/activity-fixture';
import { type RollupQuery, rollupByDimension, rollupReaders, rollupSeries, streamSeries } from '../src/modules/analytics/analytics.queries';
import { upsertAccountHourly, upsertEngagement, upsertHourly } from './support/rollup-seed';
import { COUNT_COLUMNS } from '../src/modules/analytics/rollup';
import { insertApiToken, insertDomain, unique } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';
import { DmarcMonitor } from '../src/modules/dmarc/dmarc-monitor.entity';
import { fileReport } from '../src/modules/dmarc/dmarc-ingest.service';
import { newRuaToken } from '../src/modules/dmarc/dmarc-monitor.service';
import { DmarcReportSource } from '../src/modules/dmarc/dmarc.enums';
import { alignmentTotals, reporterRows, sourceRows, type DmarcRange } from '../src/modules/dmarc/dmarc.queries';
import { alignmentByMonitor } from '../src/modules/health/health.queries';
import { reportXml } from './support/dmarc-fixtures';
import { attachmentContents, storeBlobs } from '../src/modules/attachments/attachment.queries';
import { MessageAttachment } from '../src/modules/attachments/message-attachment.entity';
import { requestLogReads, seedRequestLogs } from './support/request-log-fixture';

/**
 * Every raw-SQL read model (a `*.queries.ts` function that takes a scope) run as principals of other
 * clients: each must return only rows its scope reaches. The owners of every row are labelled; a
 * principal of tenant 1 must get nothing of tenant 2, of the account itself (account-level rows) or of
 * account B, and account B nothing of account A.
 */
let s: TestServer;
/** Labels of the rows each principal may get, by principal. */
const reaches: Record<string, string[]> = {
  'tenant token 1': ['t1-domain', 't1-tenant', 't1-identity'],
  'domain token 1': ['t1-domain'],
  'identity token 1': ['t1-identity'],
  'custom member: all domains, template allow-list': ['t1-domain', 't1-tenant', 't1-identity', 't2-domain', 't2-tenant', 't2-identity'],
  'admin token B': ['b-domain', 'b-account'],
};
const scopes: Record<string, RowScope> = {};
/** Session secret of the CUSTOM member (all domains, an empty template allow-list). */
let customSession = '';
const labelOfId = new Map<string, string>();
/** Message attachments by id: the owner each was made for. */
const attachmentLabels = new Map<string, string>();
const EMAIL = 'someone@suppressed.example';
const ROLLUP_HOUR = '2025-03-04T05:00:00.000Z';
/** Labels of the rollup rows, by power of two. */
let rollupLabels: string[] = [];
const ROLLUP_QUERY: RollupQuery = {
  from: new Date('2025-03-04T00:00:00Z'),
  to: new Date('2025-03-05T00:00:00Z'),
  interval: 'DAY',
  timezone: 'Europe/Berlin',
  tenantIds: null,
  domainIds: null,
  identityIds: null,
  templateIds: null,
  tags: null,
};
/** DMARC monitors exist only on domains: their labels, and the monitor ids (every read names one monitor). */
const DMARC_LABELS = ['t1-domain', 't2-domain', 'b-domain'];
const dmarcMonitorIds: Record<string, string> = {};
/** Each read is run once per monitor: the labels of what came back. */
async function dmarcRead(read: (range: DmarcRange) => Promise<string[]>): Promise<string[]> {
  const out: string[] = [];
  for (const monitorId of Object.values(dmarcMonitorIds)) out.push(...(await read({ monitorId, from: new Date(Date.now() - 10 * 86400_000), to: new Date(Date.now() + 86400_000) })));
  return out;
}
/** The labels of the rollup rows a sum of powers of two added up. */
let requestLogIds: string[] = [];
const rollupBits = (sum: number) => rollupLabels.filter((_, i) => (sum & (2 ** i)) !== 0);

async function seed(): Promise<void> {
  const em = systemEm(s.app.orm);
  const a = await s.newAccount('Agency A');
  const b = await s.newAccount('Agency B');
  const agency = await insertDomain(s, { accountId: a.accountId, tenantUuid: null });
  const tenantOf = async (accountId: string, label: string) => {
    const tenant = em.create(Tenant, { account: accountId, name: `Tenant ${label}`, tag: unique(label) });
    await em.flush();
    const domain = await insertDomain(s, { accountId, tenantUuid: tenant.id });
    const identity = em.create(SenderIdentity, {
      account: accountId,
      tenant: tenant.id,
      domain: agency.id,
      email: `${unique(label)}@agency.example`,
      name: label,
      status: SenderIdentityStatus.CONFIRMED,
      confirmedAt: new Date(),
    });
    await em.flush();
    return { tenant, domain, identity };
  };
  const t1 = await tenantOf(a.accountId, 't1');
  const t2 = await tenantOf(a.accountId, 't2');
  const bDomain = await insertDomain(s, { accountId: b.accountId, tenantUuid: null });
  const entry = (accountId: string, domainId: string | null, tenantId: string | null, senderIdentityId: string | null, list: SuppressionList): Omit<NewEntry, 'recipient'> => ({
    accountId,
    domainId,
    tenantId,
    senderIdentityId,
    list,
    pattern: null,
    likePattern: null,
    reason: null,
    source: SuppressionSource.API,
  });
  // Tenant-level and account-level rows differ in list: the unique key treats their null owners as equal.
  const owners: [string, Omit<NewEntry, 'recipient'>][] = [
    ['t1-domain', entry(a.accountId, t1.domain.id, t1.tenant.id, null, SuppressionList.UNSUBSCRIBE)],
    ['t1-tenant', entry(a.accountId, null, t1.tenant.id, null, SuppressionList.HARD_BOUNCE)],
    ['t1-identity', entry(a.accountId, agency.id, t1.tenant.id, t1.identity.id, SuppressionList.UNSUBSCRIBE)],
    ['t2-domain', entry(a.accountId, t2.domain.id, t2.tenant.id, null, SuppressionList.UNSUBSCRIBE)],
    ['t2-tenant', entry(a.accountId, null, t2.tenant.id, null, SuppressionList.SPAM_COMPLAINT)],
    ['t2-identity', entry(a.accountId, agency.id, t2.tenant.id, t2.identity.id, SuppressionList.UNSUBSCRIBE)],
    ['a-account', entry(a.accountId, null, null, null, SuppressionList.BLOCKLIST)],
    ['b-domain', entry(b.accountId, bDomain.id, null, null, SuppressionList.UNSUBSCRIBE)],
    ['b-account', entry(b.accountId, null, null, null, SuppressionList.BLOCKLIST)],
  ];
  // Each owner: the shared address (what recipientEntries looks up) and an address naming the owner (what the export shows).
  const rows = await insertEntries(
    em,
    owners.flatMap(([label, e]) => [
      { ...e, recipient: EMAIL },
      { ...e, recipient: `only-${label}@suppressed.example` },
    ]),
  );
  rows.forEach((r, i) => labelOfId.set(r.id, owners[Math.floor(i / 2)][0]));
  // Events (for the activity export) of every owner an event can have: every event has a sending domain.
  const eventOwners: [string, { accountId: string; domainUuid: string; tenantUuid: string | null; identityUuid: string | null }][] = [
    ['t1-domain', { accountId: a.accountId, domainUuid: t1.domain.id, tenantUuid: t1.tenant.id, identityUuid: null }],
    ['t1-tenant', { accountId: a.accountId, domainUuid: agency.id, tenantUuid: t1.tenant.id, identityUuid: null }],
    ['t1-identity', { accountId: a.accountId, domainUuid: agency.id, tenantUuid: t1.tenant.id, identityUuid: t1.identity.id }],
    ['t2-domain', { accountId: a.accountId, domainUuid: t2.domain.id, tenantUuid: t2.tenant.id, identityUuid: null }],
    ['t2-tenant', { accountId: a.accountId, domainUuid: agency.id, tenantUuid: t2.tenant.id, identityUuid: null }],
    ['t2-identity', { accountId: a.accountId, domainUuid: agency.id, tenantUuid: t2.tenant.id, identityUuid: t2.identity.id }],
    ['b-domain', { accountId: b.accountId, domainUuid: bDomain.id, tenantUuid: null, identityUuid: null }],
    ['b-account', { accountId: b.accountId, domainUuid: bDomain.id, tenantUuid: null, identityUuid: null }],
  ];
  for (const [label, o] of eventOwners) await recordEvents(s, await insertMessage(s, { ...o, recipient: `only-${label}@suppressed.example` }), [ActivityEventType.QUEUED]);

  // Analytics rollups: one row per owner, its `sent` (and reader count) a power of two, so a sum names the rows it added.
  // Rollup rows always have a domain: a second domain of account B stands for B's account-level row.
  const bOther = await insertDomain(s, { accountId: b.accountId, tenantUuid: null });
  const rollupOwners: [string, string, string, string | null, string | null][] = [
    ['t1-domain', a.accountId, t1.domain.id, t1.tenant.id, null],
    ['t1-tenant', a.accountId, agency.id, t1.tenant.id, null],
    ['t1-identity', a.accountId, agency.id, t1.tenant.id, t1.identity.id],
    ['t2-domain', a.accountId, t2.domain.id, t2.tenant.id, null],
    ['t2-tenant', a.accountId, agency.id, t2.tenant.id, null],
    ['t2-identity', a.accountId, agency.id, t2.tenant.id, t2.identity.id],
    ['b-domain', b.accountId, bDomain.id, null, null],
    ['b-account', b.accountId, bOther.id, null, null],
  ];
  const zero = Object.fromEntries(COUNT_COLUMNS.map((c) => [c, 0])) as Record<(typeof COUNT_COLUMNS)[number], number>;
  const dims = rollupOwners.map(([, accountId, domainId, tenantId, identityId]) => ({
    account_id: accountId,
    hour: ROLLUP_HOUR,
    tenant_id: tenantId,
    domain_id: domainId,
    sender_identity_id: identityId,
    template_id: null,
    tag: null,
  }));
  await upsertHourly(
    em,
    dims.map((d, i) => ({ ...d, ...zero, sent: 2 ** i })),
  );
  await upsertEngagement(
    em,
    dims.map((d, i) => ({ ...d, country: 'DE', client: 'Gmail', environment: 'WEBMAIL', opened: 2 ** i, opened_unique: 0, clicked: 0, clicked_unique: 0 })),
  );
  // Each account's hourly totals (what an unfiltered account-wide series reads): the sum of its rows' bits.
  const totalsOf = (accountId: string) => ({ ...zero, account_id: accountId, hour: ROLLUP_HOUR, sent: rollupOwners.reduce((n, o, i) => (o[1] === accountId ? n + 2 ** i : n), 0) });
  await upsertAccountHourly(em, [totalsOf(a.accountId), totalsOf(b.accountId)]);
  rollupLabels = rollupOwners.map(([label]) => label);
  // Request logs: owned by the calling principal's scope (a tenant, domain or identity token; none: account-level).
  requestLogIds = await seedRequestLogs(em, [
    ['t1-domain', a.accountId, null, t1.domain.id, null],
    ['t1-tenant', a.accountId, t1.tenant.id, null, null],
    ['t1-identity', a.accountId, null, null, t1.identity.id],
    ['t2-domain', a.accountId, null, t2.domain.id, null],
    ['t2-tenant', a.accountId, t2.tenant.id, null, null],
    ['t2-identity', a.accountId, null, null, t2.identity.id],
    ['a-account', a.accountId, null, null, null],
    ['b-domain', b.accountId, null, bDomain.id, null],
    ['b-account', b.accountId, null, null, null],
  ]);

  // DMARC: a monitor with one report on each owner's domain; the report's reporter, source IP and count name the owner.
  const dmarcOwners: [string, string, { id: string; name: string }, string | null][] = [
    ['t1-domain', a.accountId, t1.domain, t1.tenant.id],
    ['t2-domain', a.accountId, t2.domain, t2.tenant.id],
    ['b-domain', b.accountId, bDomain, null],
  ];
  for (const [i, [label, accountId, domain, tenantId]] of dmarcOwners.entries()) {
    const monitor = em.create(DmarcMonitor, { account: accountId, tenant: tenantId, domain: domain.id, ruaToken: newRuaToken() });
    await em.flush();
    const xml = reportXml(domain.name, `scope-${label}`, 1, [{ ip: `192.0.2.${i + 1}`, count: 2 ** i, dkim: 'pass', spf: 'pass' }], `${label}.example`);
    await fileReport(em, monitor, Buffer.from(xml), DmarcReportSource.UPLOAD, null, 1024 * 1024);
    dmarcMonitorIds[label] = monitor.id;
  }

  // Message attachments: one per owner of the rollups above, on a message of that owner (every message has a domain, so there is no account-level row in A).
  for (const [label, accountId, domainUuid, tenantUuid, identityUuid] of rollupOwners) {
    const m = await insertMessage(s, { accountId, domainUuid, tenantUuid, identityUuid });
    const bytes = Buffer.from(`file of ${label}`);
    const sha = sha256(bytes.toString());
    await storeBlobs(em, accountId, [{ sha256: sha, size: bytes.length, bytes }]);
    const file = em.create(MessageAttachment, {
      account: accountId,
      message: m.id,
      tenant: tenantUuid,
      domain: domainUuid,
      senderIdentity: identityUuid,
      position: 0,
      filename: 'f.txt',
      contentType: 'text/plain',
      size: bytes.length,
      blobSha256: sha,
    });
    await em.flush();
    attachmentLabels.set(file.id, label);
  }

  const token = async (opts: Parameters<typeof insertApiToken>[1]): Promise<Scope> => {
    const { tokenUuid } = await insertApiToken(s, opts);
    return scopeForToken(em, await em.findOneOrFail(ApiToken, { id: tokenUuid }));
  };
  const all = [Permission.SUPPRESSIONS_READ, Permission.SUPPRESSIONS_MANAGE];
  const user = em.create(User, { email: `${unique('cus')}@a.example`, name: 'Custom' });
  const custom = em.create(Membership, {
    account: a.accountId,
    user,
    role: Role.CUSTOM,
    status: MemberStatus.ACTIVE,
    acceptedAt: new Date(),
    allDomains: true,
    customPermissions: all,
    templateIds: [],
  });
  const secret = generateSecret('session');
  em.create(Session, { account: a.accountId, membership: custom, tokenHash: sha256(secret), expiresAt: new Date(Date.now() + 86400_000) });
  await em.flush();
  customSession = secret;
  const byName: Record<string, Scope> = {
    'tenant token 1': await token({ accountId: a.accountId, permissions: all, tenantUuid: t1.tenant.id }),
    'domain token 1': await token({ accountId: a.accountId, permissions: all, domainUuid: t1.domain.id }),
    'identity token 1': await token({ accountId: a.accountId, permissions: all, identityUuid: t1.identity.id }),
    'custom member: all domains, template allow-list': await scopeForMembership(em, custom),
    'admin token B': await token({ accountId: b.accountId, permissions: all }),
  };
  for (const [name, scope] of Object.entries(byName)) scopes[name] = rowScope(scope);
}

beforeAll(async () => {
  s = await startTestServer();
  await seed();
});
afterAll(() => s?.stop());

async function readAll(rows: Readable): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const r of rows) out.push(r as Record<string, unknown>);
  return out;
}

const onlyLabel = (recipient: unknown) => /^only-(.+)@suppressed\.example$/.exec(String(recipient))?.[1] ?? null;

/** Each scope-taking read model, run as one scope: the labels of the rows it returned. */
const READS: Record<string, (scope: RowScope) => Promise<string[]>> = {
  'suppressions.queries.ts#recipientEntries': async (scope) => (await recipientEntries(systemEm(s.app.orm), scope, EMAIL, null)).map((r) => labelOfId.get(r.id) ?? `unknown ${r.id}`),
  'suppressions.queries.ts#streamExport': async (scope) => {
    let labels: string[] = [];
    await streamExport(systemEm(s.app.orm), scope, { lists: null, domainIds: null, tenantId: null, query: null }, async (rows) => {
      labels = (await readAll(rows)).map((r) => onlyLabel(r.recipient)).filter((l): l is string => l !== null);
    });
    return labels;
  },
  'activity-export.queries.ts#streamActivityExport': async (scope) => {
    let labels: string[] = [];
    const none = { tenantId: null, domainIds: null, senderIdentityIds: null, messageId: null, types: null, tags: null, recipient: null, from: null, to: null };
    await streamActivityExport(systemEm(s.app.orm), scope, none, async (rows) => {
      labels = (await readAll(rows)).map((r) => onlyLabel(r.recipient)).filter((l): l is string => l !== null);
    });
    return labels;
  },
  'analytics.queries.ts#rollupSeries': async (scope) => rollupBits((await rollupSeries(systemEm(s.app.orm), scope, null, ROLLUP_QUERY)).reduce((n, p) => n + p.counts.sent, 0)),
  'analytics.queries.ts#rollupByDimension': async (scope) => {
    const rows = await rollupByDimension(systemEm(s.app.orm), scope, null, ROLLUP_QUERY, 'tenant', null);
    return rollupBits(rows.reduce((n, r) => n + r.counts.sent, 0));
  },
  'analytics.queries.ts#rollupReaders': async (scope) => rollupBits((await rollupReaders(systemEm(s.app.orm), scope, null, ROLLUP_QUERY, 'COUNTRY', 'opened')).reduce((n, r) => n + r.count, 0)),
  'analytics.queries.ts#streamSeries': async (scope) => {
    let sum = 0;
    await streamSeries(systemEm(s.app.orm), scope, null, { ...ROLLUP_QUERY, interval: 'HOUR' }, async (rows) => {
      for (const r of await readAll(rows)) sum += Number(r.sent);
    });
    return rollupBits(sum);
  },
  'dmarc.queries.ts#sourceRows': (scope) => dmarcRead(async (range) => (await sourceRows(systemEm(s.app.orm), scope, range, 100)).rows.map((r) => DMARC_LABELS[Number(r.ip.split('.')[3]) - 1])),
  'dmarc.queries.ts#reporterRows': (scope) => dmarcRead(async (range) => (await reporterRows(systemEm(s.app.orm), scope, range)).map((r) => r.orgName.replace('.example', ''))),
  'dmarc.queries.ts#alignmentTotals': (scope) =>
    dmarcRead(async (range) => {
      const { messages, aligned } = await alignmentTotals(systemEm(s.app.orm), scope, range);
      return DMARC_LABELS.filter((_, i) => (messages & (2 ** i)) !== 0 && (aligned & (2 ** i)) !== 0);
    }),
  ...requestLogReads(
    () => systemEm(s.app.orm),
    () => requestLogIds,
  ),
  'health.queries.ts#alignmentByMonitor': async (scope) => {
    const ids = Object.values(dmarcMonitorIds);
    const totals = await alignmentByMonitor(systemEm(s.app.orm), scope, ids, new Date(Date.now() - 10 * 86400_000), new Date(Date.now() + 86400_000));
    return [...totals.entries()].flatMap(([id, t]) => DMARC_LABELS.filter((l, i) => dmarcMonitorIds[l] === id && t.messages === 2 ** i && t.aligned === 2 ** i));
  },
  'attachment.queries.ts#attachmentContents': async (scope) => {
    const found = await attachmentContents(systemEm(s.app.orm), scope, [...attachmentLabels.keys()]);
    return [...found.keys()].map((id) => attachmentLabels.get(id)!);
  },
  // A write, checked the same way: inside a transaction that is rolled back.
  'suppressions.queries.ts#deleteEntries': async (scope) => {
    const labels: string[] = [];
    await systemEm(s.app.orm)
      .transactional(async (em) => {
        for (const r of await deleteEntries(em, scope, { ids: [...labelOfId.keys()], list: null })) labels.push(labelOfId.get(r.id) ?? `unknown ${r.id}`);
        throw new Error('rollback');
      })
      .catch((e: Error) => {
        if (e.message !== 'rollback') throw e;
      });
    return labels;
  },
};
/** Functions that take a scope but build SQL only (run through the entries above). */
const BUILDERS = new Set(['suppressions.queries.ts#exportQuery', 'activity-export.queries.ts#activityExportQuery', 'analytics.queries.ts#seriesQuery']);

describe('raw-SQL read models apply the scope in their SQL', () => {
  it('every exported *.queries.ts function that takes a scope is run below', () => {
    const root = path.resolve(__dirname, '../src');
    const files = readdirSync(root, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.queries.ts'));
    expect(files.length).toBeGreaterThan(3);
    const found = files.flatMap((f) =>
      [...readFileSync(path.join(root, f), 'utf8').matchAll(/export (?:async )?function (\w+)\(([^)]*)\)/g)]
        .filter((m) => /\bscope\s*:|: (Row)?Scope\b/.test(m[2]))
        .map((m) => `${path.basename(f)}#${m[1]}`),
    );
    expect(found.sort()).toEqual([...Object.keys(READS), ...BUILDERS].sort());
  });

  for (const [fn, read] of Object.entries(READS)) {
    it(`${fn}: each principal gets exactly the rows its scope reaches, nothing of another client or account`, async () => {
      for (const [name, reached] of Object.entries(reaches)) {
        // DMARC rows all have a domain: of the owners, only the domain-owned ones exist there.
        const expected = fn.startsWith('dmarc.') || fn.startsWith('health.') ? reached.filter((l) => DMARC_LABELS.includes(l)) : reached;
        const labels = [...new Set(await read(scopes[name]))].sort();
        expect(labels, `${fn} as ${name}`).toEqual([...expected].sort());
      }
    });
  }
});

describe('one meaning of account-wide, over GraphQL', () => {
  it('a member with all domains and a template allow-list lists and looks up the same suppressions: every domain’s, not the account’s own', async () => {
    const list = await s.gql<any, any>('{ suppressions(first: 100) { totalCount edges { node { id recipient } } } }', undefined, customSession);
    const listed = list.data.suppressions.edges.map((e: any) => e.node);
    const lookup = await s.gql<any, any>('query($email: String!) { recipient(email: $email) { suppressions { id } } }', { email: EMAIL }, customSession);
    const shared = listed.filter((n: any) => n.recipient === EMAIL).map((n: any) => n.id);
    expect(lookup.data.recipient.suppressions.map((n: any) => n.id).sort()).toEqual(shared.sort());
    expect(
      listed
        .map((n: any) => onlyLabel(n.recipient))
        .filter(Boolean)
        .sort(),
    ).toEqual([...reaches['custom member: all domains, template allow-list']].sort());
    expect(list.data.suppressions.totalCount).toBe(12);
  });
});
