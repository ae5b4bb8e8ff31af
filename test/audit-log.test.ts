import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { fromGlobalId, toGlobalId } from '../src/graphql/global-id';
import { insertApiToken, insertDomain, unique } from './support/factories';
import { errorCode, ok, startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ webhookAllowHttp: true, webhookAllowPrivate: true });
});
afterAll(() => s?.stop());

const AUDIT = `query Audit($filter: AuditLogFilterInput, $first: Int) {
  auditLog(filter: $filter, first: $first) {
    totalCount
    edges { node { id at action actor { kind tokenId memberId name } target { type id } changes requestId ip } }
  }
}`;

type Entry = {
  action: string;
  actor: { kind: string; tokenId: string | null; name: string };
  target: { type: string; id: string };
  changes: Record<string, { before?: unknown; after?: unknown }>;
  requestId: string | null;
  ip: string | null;
};

async function audit(token: string, filter: Record<string, unknown> = {}): Promise<{ totalCount: number; entries: Entry[] }> {
  const data = ok(await s.gql<{ auditLog: { totalCount: number; edges: { node: Entry }[] } }, unknown>(AUDIT, { filter, first: 100 }, token));
  return { totalCount: data.auditLog.totalCount, entries: data.auditLog.edges.map((e) => e.node).reverse() };
}

async function run<T = any>(token: string, query: string, input: Record<string, unknown>): Promise<T> {
  return ok(await s.gql<T, unknown>(query, { input }, token));
}

const createTenant = async (token: string, name: string): Promise<string> =>
  (await run(token, 'mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }', { name, tag: unique('t') })).createTenant.tenant.id;

describe('audit log', () => {
  it('records every kind of change with its actor, target and before/after; never a secret; another client sees none', async () => {
    const a = await s.newAccount();
    const admin = await insertApiToken(s, { accountId: a.accountId, permissions: Object.values(Permission), name: 'ops admin' });
    const t = admin.secret;
    const tenantId = (await run(t, 'mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }', { name: 'Acme', tag: unique('acme') })).createTenant.tenant.id;
    await run(t, 'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { id } } }', { id: tenantId, name: 'Acme Ltd', retentionDays: 60 });
    const domainId = (await run(t, 'mutation($input: AddDomainInput!) { addDomain(input: $input) { domain { id } } }', { name: `${unique('d')}.example.com`, tenantId })).addDomain.domain.id;
    const verified = await insertDomain(s, { accountId: a.accountId, tenantUuid: fromGlobalId(tenantId, 'Tenant', 'id') });
    const verifiedId = toGlobalId('Domain', verified.id);
    const identityId = (
      await run(t, 'mutation($input: CreateSenderIdentityInput!) { createSenderIdentity(input: $input) { senderIdentity { id } } }', { domainId: verifiedId, tenantId, email: `hi@${verified.name}` })
    ).createSenderIdentity.senderIdentity.id;
    const templateId = (
      await run(t, 'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } } }', { domainId: verifiedId, name: 'Welcome', subject: 'Hi', text: 'Hello there' })
    ).createTemplate.template.id;
    await run(t, 'mutation($input: UpdateTemplateInput!) { updateTemplate(input: $input) { template { id } } }', { id: templateId, subject: 'Hello' });
    await run(t, 'mutation($input: DeleteTemplateInput!) { deleteTemplate(input: $input) { deletedTemplateId } }', { id: templateId });
    const created = (await run(t, 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { id } secret } }', { name: 'client', permissions: ['DOMAINS_READ'], tenantId }))
      .createApiToken;
    await run(t, 'mutation($input: UpdateApiTokenInput!) { updateApiToken(input: $input) { apiToken { id } } }', { id: created.apiToken.id, permissions: ['DOMAINS_READ', 'LOGS_READ'] });
    await run(t, 'mutation($input: UpdateApiTokenInput!) { updateApiToken(input: $input) { apiToken { id } } }', { id: created.apiToken.id, paused: true });
    await run(t, 'mutation($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { apiToken { id } } }', { id: created.apiToken.id });
    const memberId = (await run(t, 'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { member { id } } }', { email: `${unique('m')}@example.net`, role: 'DESIGNER' })).inviteMember
      .member.id;
    await run(t, 'mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { id } } }', { id: memberId, role: 'MANAGER' });
    await run(t, 'mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedMemberId } }', { id: memberId });
    const hook = (
      await run(t, 'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } signingSecret } }', {
        name: 'hook',
        url: 'http://127.0.0.1:9/h',
        events: ['ACTIVITY_SENT'],
        enabled: false,
      })
    ).createWebhook;
    await run(t, 'mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { id } } }', { id: hook.webhook.id, name: 'renamed hook' });
    await run(t, 'mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { signingSecret } }', { id: hook.webhook.id });
    await run(t, 'mutation($input: DeleteWebhookInput!) { deleteWebhook(input: $input) { deletedWebhookId } }', { id: hook.webhook.id });
    const supp = (
      await run(t, 'mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { suppressions { id } } }', { list: 'BLOCKLIST', recipients: ['x@example.org'], reason: 'asked' })
    ).addSuppressions.suppressions[0].id;
    await run(t, 'mutation($input: RemoveSuppressionsInput!) { removeSuppressions(input: $input) { removedCount } }', { ids: [supp] });
    await run(t, 'mutation($input: ImportSuppressionsInput!) { importSuppressions(input: $input) { import { id } } }', { list: 'BLOCKLIST', csv: 'email\na@example.org\nb@example.org\n' });
    await run(t, 'mutation($input: DeleteSenderIdentityInput!) { deleteSenderIdentity(input: $input) { deletedSenderIdentityId } }', { id: identityId });
    await run(t, 'mutation($input: DeleteDomainInput!) { deleteDomain(input: $input) { deletedDomainId } }', { id: domainId });
    await run(t, 'mutation($input: DeleteTenantInput!) { deleteTenant(input: $input) { deletedTenantId } }', { id: tenantId, force: true });

    const { entries } = await audit(t);
    const actions = entries.map((e) => e.action);
    for (const expected of [
      'TENANT_CREATED',
      'TENANT_UPDATED',
      'DOMAIN_CREATED',
      'SENDER_IDENTITY_CREATED',
      'TEMPLATE_CREATED',
      'TEMPLATE_UPDATED',
      'TEMPLATE_DELETED',
      'API_TOKEN_CREATED',
      'API_TOKEN_PERMISSIONS_CHANGED',
      'API_TOKEN_PAUSED',
      'API_TOKEN_REVOKED',
      'MEMBER_CREATED',
      'MEMBER_ROLE_CHANGED',
      'MEMBER_DELETED',
      'WEBHOOK_CREATED',
      'WEBHOOK_UPDATED',
      'WEBHOOK_DELETED',
      'SUPPRESSION_CREATED',
      'SUPPRESSION_DELETED',
      'SUPPRESSION_IMPORT_CREATED',
      'SENDER_IDENTITY_DELETED',
      'DOMAIN_DELETED',
      'TENANT_DELETED',
    ])
      expect(actions).toContain(expected);
    for (const e of entries) {
      expect(e.actor).toMatchObject({ kind: 'API_TOKEN', tokenId: toGlobalId('ApiToken', admin.tokenUuid), name: 'ops admin' });
      expect(e.requestId).toEqual(expect.any(String));
      expect(e.ip).toMatch(/127\.0\.0\.1/);
    }
    const byAction = (action: string) => entries.filter((e) => e.action === action);
    expect(byAction('TENANT_UPDATED')[0].changes).toEqual({ name: { before: 'Acme', after: 'Acme Ltd' }, retentionDays: { before: 180, after: 60 } });
    expect(byAction('TENANT_UPDATED')[0].target).toEqual({ type: 'Tenant', id: tenantId });
    expect(byAction('TEMPLATE_UPDATED')[0].changes.subject).toEqual({ before: 'Hi', after: 'Hello' });
    expect(byAction('API_TOKEN_PERMISSIONS_CHANGED')[0].changes.permissions).toEqual({ before: ['DOMAINS_READ'], after: ['DOMAINS_READ', 'LOGS_READ'] });
    expect(byAction('MEMBER_ROLE_CHANGED')[0].changes.role).toEqual({ before: 'DESIGNER', after: 'MANAGER' });
    expect(byAction('TENANT_DELETED')[0].changes.name).toEqual({ before: 'Acme Ltd' });
    expect(byAction('SUPPRESSION_CREATED')[0].changes).toMatchObject({ list: { after: 'BLOCKLIST' }, recipient: { after: 'x@example.org' }, reason: { after: 'asked' } });
    const rotated = byAction('WEBHOOK_UPDATED').find((e) => Object.keys(e.changes).some((k) => /secret/i.test(k)));
    expect(rotated).toBeDefined();
    const all = JSON.stringify(entries);
    expect(all).not.toContain(created.secret);
    expect(all).not.toContain(hook.signingSecret);
    expect(all).not.toMatch(/secretHash|dkimPrivateKey|whsec_/);
    expect((await audit(t, { actions: ['API_TOKEN_REVOKED'] })).entries.map((e) => e.target.id)).toEqual([created.apiToken.id]);
    expect((await audit(t, { targetIds: [tenantId] })).entries.map((e) => e.action)).toEqual(['TENANT_CREATED', 'TENANT_UPDATED', 'TENANT_DELETED']);
    expect((await audit(t, { actorIds: [toGlobalId('ApiToken', admin.tokenUuid)] })).totalCount).toBe(entries.length);

    const other = await s.newAccount();
    expect((await audit(other.adminToken)).totalCount).toBe(0);
    expect((await audit(other.adminToken, { targetIds: [tenantId] })).totalCount).toBe(0);
  });

  it('a tenant-scoped principal sees the changes to its tenant’s objects only; LOGS_READ is needed', async () => {
    const a = await s.newAccount();
    const t = a.adminToken;
    const mk = (name: string) => createTenant(t, name);
    const tA = await mk('A');
    const tB = await mk('B');
    for (const id of [tA, tB]) await run(t, 'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { id } } }', { id, retentionDays: 40 });
    await run(t, 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { id } } }', { name: 'account-level', permissions: ['DOMAINS_READ'] });
    const scoped = await insertApiToken(s, { accountId: a.accountId, permissions: [Permission.LOGS_READ], tenantUuid: fromGlobalId(tA, 'Tenant', 'id') });
    const seen = await audit(scoped.secret);
    expect(seen.entries.map((e) => [e.action, e.target.id])).toEqual([
      ['TENANT_CREATED', tA],
      ['TENANT_UPDATED', tA],
    ]);
    expect((await audit(t)).totalCount).toBe(5);
    // A change that fails leaves no entry: the entry is written in the change's own transaction.
    const tag = unique('dup');
    await run(t, 'mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }', { name: 'First', tag });
    const dup = await s.gql('mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }', { input: { name: 'Second', tag } }, t);
    expect(errorCode(dup)).toBe('CONFLICT');
    const created = (await audit(t, { actions: ['TENANT_CREATED'] })).entries.map((e) => e.changes.name?.after);
    expect(created.filter((n) => n === 'Second')).toEqual([]);
    expect(created.filter((n) => n === 'First')).toHaveLength(1);
    const noPerm = await insertApiToken(s, { accountId: a.accountId, permissions: [Permission.DOMAINS_READ] });
    expect(errorCode(await s.gql(AUDIT, {}, noPerm.secret))).toBe('FORBIDDEN');
    expect(errorCode(await s.gql(AUDIT, { filter: { actorIds: ['bad'] } }, t))).toBe('BAD_USER_INPUT');
  });

  it('records monitors (blocklist, DMARC) and SMTP users: created, changed, disabled, deleted — never the password; another tenant sees none', async () => {
    const a = await s.newAccount();
    const t = a.adminToken;
    const mk = (name: string) => createTenant(t, name);
    const tA = await mk('A');
    const tB = await mk('B');
    const domain = await insertDomain(s, { accountId: a.accountId, tenantUuid: fromGlobalId(tA, 'Tenant', 'id') });
    const domainId = toGlobalId('Domain', domain.id);
    const bl = (await run(t, 'mutation($input: CreateBlocklistMonitorInput!) { createBlocklistMonitor(input: $input) { monitor { id } } }', { address: '192.0.2.10', tenantId: tA }))
      .createBlocklistMonitor.monitor.id as string;
    await run(t, 'mutation($input: UpdateBlocklistMonitorInput!) { updateBlocklistMonitor(input: $input) { monitor { id } } }', { id: bl, intervalMinutes: 240 });
    await run(t, 'mutation($input: DeleteBlocklistMonitorInput!) { deleteBlocklistMonitor(input: $input) { deletedId } }', { id: bl });
    const dm = (await run(t, 'mutation($input: CreateDmarcMonitorInput!) { createDmarcMonitor(input: $input) { monitor { id } } }', { domainId })).createDmarcMonitor.monitor.id as string;
    await run(t, 'mutation($input: DmarcMonitorIdInput!) { deleteDmarcMonitor(input: $input) { deletedId } }', { id: dm });
    const smtp = (await run(t, 'mutation($input: CreateSmtpUserInput!) { createSmtpUser(input: $input) { smtpUser { id } password } }', { name: 'WordPress', domainId })).createSmtpUser;
    await run(t, 'mutation($input: UpdateSmtpUserInput!) { updateSmtpUser(input: $input) { smtpUser { id } } }', { id: smtp.smtpUser.id, enabled: false });
    await run(t, 'mutation($input: UpdateSmtpUserInput!) { updateSmtpUser(input: $input) { smtpUser { id } } }', { id: smtp.smtpUser.id, enabled: true });
    await run(t, 'mutation($input: DeleteSmtpUserInput!) { deleteSmtpUser(input: $input) { deletedSmtpUserId } }', { id: smtp.smtpUser.id });

    const all = await audit(t, { targetIds: [bl, dm, smtp.smtpUser.id] });
    expect(all.entries.map((e) => [e.action, e.target.type, e.target.id])).toEqual([
      ['BLOCKLIST_MONITOR_CREATED', 'BlocklistMonitor', bl],
      ['BLOCKLIST_MONITOR_UPDATED', 'BlocklistMonitor', bl],
      ['BLOCKLIST_MONITOR_DELETED', 'BlocklistMonitor', bl],
      ['DMARC_MONITOR_CREATED', 'DmarcMonitor', dm],
      ['DMARC_MONITOR_DELETED', 'DmarcMonitor', dm],
      ['SMTP_USER_CREATED', 'SmtpUser', smtp.smtpUser.id],
      ['SMTP_USER_DISABLED', 'SmtpUser', smtp.smtpUser.id],
      ['SMTP_USER_ENABLED', 'SmtpUser', smtp.smtpUser.id],
      ['SMTP_USER_DELETED', 'SmtpUser', smtp.smtpUser.id],
    ]);
    expect(all.entries[1].changes.intervalMinutes).toEqual({ before: 120, after: 240 });
    expect(all.entries[6].changes.enabled).toEqual({ before: true, after: false });
    expect(JSON.stringify(all)).not.toContain(smtp.password);
    expect(JSON.stringify(all.entries[5].changes)).not.toMatch(/passwordHash|hash/i);

    const reader = (tenant: string) => insertApiToken(s, { accountId: a.accountId, permissions: [Permission.LOGS_READ], tenantUuid: fromGlobalId(tenant, 'Tenant', 'id') });
    expect((await audit((await reader(tA)).secret, { targetIds: [bl, dm, smtp.smtpUser.id] })).totalCount).toBe(9);
    expect((await audit((await reader(tB)).secret, { targetIds: [bl, dm, smtp.smtpUser.id] })).totalCount).toBe(0);
    expect((await audit((await s.newAccount()).adminToken, { targetIds: [bl, dm, smtp.smtpUser.id] })).totalCount).toBe(0);
  });
});
