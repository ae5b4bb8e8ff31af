import { ALL_PERMISSIONS, Permission, Role } from '../../src/auth/permissions';
import { generateSecret } from '../../src/auth/token-format';
import { systemEm } from '../../src/context';
import { toGlobalId } from '../../src/graphql/global-id';
import { sha256 } from '../../src/lib/crypto';
import { SenderIdentity, SenderIdentityStatus } from '../../src/modules/identities/sender-identity.entity';
import { SystemEmail, SystemEmailKind } from '../../src/modules/mail/system-email.entity';
import { MemberStatus, Membership } from '../../src/modules/members/membership.entity';
import { Session } from '../../src/modules/members/session.entity';
import { User } from '../../src/modules/members/user.entity';
import { Template } from '../../src/modules/templates/template.entity';
import { Tenant } from '../../src/modules/tenants/tenant.entity';
import { SuppressionList, SuppressionSource } from '../../src/modules/suppressions/suppression.enums';
import { insertEntries } from '../../src/modules/suppressions/suppressions.queries';
import { encrypt } from '../../src/lib/crypto';
import { generateWebhookSecret } from '../../src/modules/webhooks/signing';
import { WebhookDelivery, WebhookDeliveryStatus } from '../../src/modules/webhooks/webhook-delivery.entity';
import { WebhookReplay } from '../../src/modules/webhooks/webhook-replay.entity';
import { Webhook } from '../../src/modules/webhooks/webhook.entity';
import { ErasureRequest } from '../../src/modules/erasure/erasure-request.entity';
import { insertMessage, recordEvents } from './activity-fixture';
import { BulkSend } from '../../src/modules/sending/bulk-send.entity';
import { Message } from '../../src/modules/sending/message.entity';
import { MessageStatus } from '../../src/modules/sending/message.types';
import { insertApiToken, insertDomain, unique } from './factories';
import { ActivityEventType } from '../../src/events/event-type';
import type { EventRow } from '../../src/events/event-row';
import { aggregate, upsertAccountHourly, upsertEngagement, upsertHourly } from './rollup-seed';
import { Report } from '../../src/modules/analytics/report.entity';
import type { TestServer } from './harness';
import { BlocklistAddressKind } from '../../src/modules/blocklist/address';
import { BlocklistAlertKind, BlocklistZoneKind, BlocklistZoneStatus } from '../../src/modules/blocklist/blocklist.enums';
import { BlocklistCheck } from '../../src/modules/blocklist/blocklist-check.entity';
import { BlocklistHit } from '../../src/modules/blocklist/blocklist-hit.entity';
import { BlocklistMonitor } from '../../src/modules/blocklist/blocklist-monitor.entity';
import { insertAlerts } from '../../src/modules/blocklist/blocklist-alerts.queries';
import { uuidv7 } from '../../src/lib/ids';
import { SmtpUser } from '../../src/modules/smtp-relay/smtp-user.entity';
import { createHash } from 'node:crypto';
import { AttachmentDisposition } from '../../src/modules/attachments/attachment-disposition';
import { storeBlobs } from '../../src/modules/attachments/attachment.queries';
import { MessageAttachment } from '../../src/modules/attachments/message-attachment.entity';

/** A blocklist monitor with a hit, a finished check and an alert, owned by `tenantId` (null: the account's own). */
async function seedBlocklist(s: TestServer, accountId: string, tenantId: string | null, domainId: string | null, label: string, address: string) {
  const em = systemEm(s.app.orm);
  const now = new Date();
  const owners = { account: accountId, tenant: tenantId, domain: domainId };
  const monitor = em.create(BlocklistMonitor, {
    ...owners,
    name: `Monitor ${label}`,
    address,
    addressKind: BlocklistAddressKind.IPV4,
    intervalMinutes: 120,
    nextCheckAt: now,
    listed: true,
    notifyEmails: [`bl-${label.toLowerCase()}@notify.example`],
  });
  const hit = { address, zone: `zone-${label.toLowerCase()}.example`, returnCodes: ['127.0.0.2'], reason: `Hit reason ${label}` };
  em.create(BlocklistHit, { ...owners, monitor, ...hit, firstSeenAt: now, lastSeenAt: now });
  const check = em.create(BlocklistCheck, {
    ...owners,
    monitor,
    startedAt: now,
    finishedAt: now,
    addressesChecked: 1,
    zonesChecked: 1,
    zones: [{ zone: hit.zone, kind: BlocklistZoneKind.IP, status: BlocklistZoneStatus.HEALTHY, error: null, listings: 1 }],
    hits: [hit],
    errors: [`Check error ${label}`],
  });
  await em.flush();
  const alertId = uuidv7();
  await em.transactional((tx) =>
    insertAlerts(tx, [{ id: alertId, accountId, tenantId, domainId, monitorId: monitor.id, kind: BlocklistAlertKind.LISTED, ...hit, reason: `Alert reason ${label}`, occurredAt: now }]),
  );
  return { monitor, check, alertId };
}
import { DmarcMonitor } from '../../src/modules/dmarc/dmarc-monitor.entity';
import { fileReport } from '../../src/modules/dmarc/dmarc-ingest.service';
import { DmarcReportSource } from '../../src/modules/dmarc/dmarc.enums';
import { newRuaToken } from '../../src/modules/dmarc/dmarc-monitor.service';
import { reportXml } from './dmarc-fixtures';
import { seedTenantLogs } from './request-log-fixture';

/** A principal the matrix runs as, and what it must never see. */
export interface MatrixPrincipal {
  name: string;
  token: string | null;
  /**
   * Who it is: a principal limited to tenant 1 (must see nothing of tenant 2 or account B), account-wide
   * in account A (must see nothing of account B), or account B's admin (must see nothing of account A);
   * `allDomainsTemplate1`: every domain of account A but only tenant 1's template (a CUSTOM allow-list), so
   * not account-wide: nothing of account B, no other template, none of the account's own rows (system e-mails).
   */
  reach: 'tenant1' | 'accountA' | 'accountB' | 'allDomainsTemplate1';
}

/** What the matrix needs: principals, the ids to aim at, and the strings that must never appear. */
export interface MatrixFixture {
  principals: MatrixPrincipal[];
  /** Global ids of tenant 2's objects (and account B's), by node type. */
  foreignIds: Record<string, string[]>;
  /** Global ids of objects of account B only. */
  otherAccountIds: Record<string, string[]>;
  /** Global ids of account A's tenants' objects (tenant 1 and 2). */
  accountAIds: Record<string, string[]>;
  /** Strings of tenant 1 and account A's agency domain. */
  accountAMarkers: string[];
  /** Global ids of tenant 1's own objects, by node type (valid targets for tenant-1 principals). */
  ownIds: Record<string, string[]>;
  /** Strings of tenant 2 (names, addresses, uuids, global ids). */
  tenant2Markers: string[];
  /** Strings of account B. */
  accountBMarkers: string[];
  /** Global ids of objects an all-domains principal limited to tenant 1's template must not reach (account B's, tenant 2's template). */
  templateLimitedForeignIds: Record<string, string[]>;
  /** Strings such a principal must never see: account B's, tenant 2's template, and account A's system e-mails (account-level rows). */
  templateLimitedMarkers: string[];
}

const SECRET = 'zzleak';

async function session(s: TestServer, accountId: string, email: string, role: Role, extra: Partial<Membership> = {}): Promise<string> {
  const em = systemEm(s.app.orm);
  const user = em.create(User, { email, name: `User ${email}` });
  const m = em.create(Membership, { account: accountId, user, role, status: MemberStatus.ACTIVE, acceptedAt: new Date(), ...extra });
  const secret = generateSecret('session');
  em.create(Session, { account: accountId, membership: m, tokenHash: sha256(secret), expiresAt: new Date(Date.now() + 86400_000) });
  await em.flush();
  return secret;
}

async function seedTenant(s: TestServer, accountId: string, label: string, agencyDomainId: string) {
  const em = systemEm(s.app.orm);
  const tenant = em.create(Tenant, { account: accountId, name: `Tenant ${label}`, tag: unique(label.toLowerCase()) });
  await em.flush();
  const domain = await insertDomain(s, { accountId, tenantUuid: tenant.id, name: `${label.toLowerCase()}-${unique('d')}.example.com` });
  const identity = em.create(SenderIdentity, {
    account: accountId,
    tenant: tenant.id,
    domain: agencyDomainId,
    email: `${label.toLowerCase()}-${unique('i')}@agency.example.com`,
    name: `Sender ${label}`,
    status: SenderIdentityStatus.CONFIRMED,
    confirmedAt: new Date(),
  });
  const template = em.create(Template, {
    account: accountId,
    domain: domain.id,
    tenant: tenant.id,
    name: `Template ${label}`,
    subject: `Subject ${label}`,
    html: `<p>${label}</p>`,
    tags: [label.toLowerCase()],
  });
  em.create(SystemEmail, {
    account: accountId,
    kind: SystemEmailKind.SENDER_CONFIRMATION,
    tenantId: tenant.id,
    senderIdentityId: identity.id,
    toEmail: identity.email,
    subject: `Confirm ${label}`,
    text: `link for ${label}`,
    raw: `raw ${label}`,
    messageId: `<${label}@test>`,
  });
  const webhook = em.create(Webhook, {
    account: accountId,
    tenant: tenant.id,
    name: `Webhook ${label}`,
    url: `https://hooks-${label.toLowerCase()}.example.com/in`,
    events: ['ACTIVITY_SENT', 'DOMAIN_STATUS_CHANGED'],
    secretEncrypted: encrypt(s.app.config.secret, generateWebhookSecret()),
  });
  const delivery = em.create(WebhookDelivery, {
    account: accountId,
    webhook,
    tenant: tenant.id,
    eventType: 'ACTIVITY_SENT',
    status: WebhookDeliveryStatus.FAILED,
    attempts: 1,
    messageId: `msg_${label.toLowerCase()}`,
    url: webhook.url,
    body: JSON.stringify({ type: 'activity.sent', data: { message: { recipient: `rcpt-${label.toLowerCase()}@example.net` } } }),
    responseStatus: 500,
    responseBody: `answer of ${label}`,
  });
  const replay = em.create(WebhookReplay, { account: accountId, webhook, tenant: tenant.id, from: new Date(Date.now() - 3600_000), to: new Date() });
  // A message with events (what exportActivity and eraseRecipient reach) and a record of an erasure in the tenant.
  const erasure = em.create(ErasureRequest, {
    account: accountId,
    tenantUuid: tenant.id,
    principalKey: 'token:matrix',
    principalLabel: `Eraser of ${label}`,
    emailHash: `hash-of-${label.toLowerCase()}`,
    messages: 1,
    events: 2,
    suppressions: 0,
    softBounces: 0,
    webhookDeliveries: 0,
  });
  await em.flush();
  const message = await insertMessage(s, { accountId, domainUuid: domain.id, tenantUuid: tenant.id, recipient: `mail-${label.toLowerCase()}@inbox.example.net` });
  await recordEvents(s, message, [ActivityEventType.QUEUED, ActivityEventType.DELIVERED], { ip: `ip of ${label}` });
  // An attachment of the message and a default attachment of the template (bytes stored once, by hash).
  const fileBytes = Buffer.from(`%PDF-1.4 attachment bytes of ${label}`);
  const fileSha = createHash('sha256').update(fileBytes).digest('hex');
  await storeBlobs(em, accountId, [{ sha256: fileSha, size: fileBytes.length, bytes: fileBytes }]);
  const attachment = em.create(MessageAttachment, {
    account: accountId,
    message: message.id,
    tenant: tenant.id,
    domain: domain.id,
    position: 0,
    filename: `file-${label.toLowerCase()}.pdf`,
    contentType: 'application/pdf',
    size: fileBytes.length,
    blobSha256: fileSha,
  });
  template.attachments = [
    {
      filename: `tpl-file-${label.toLowerCase()}.pdf`,
      contentType: 'application/pdf',
      disposition: AttachmentDisposition.ATTACHMENT,
      contentId: null,
      stored: { sha256: fileSha, size: fileBytes.length },
    },
  ];
  await em.flush();
  const token = await insertApiToken(s, { accountId, permissions: [Permission.DOMAINS_READ], tenantUuid: tenant.id, name: `Token of ${label}` });
  // A bulk send of the tenant's token and a scheduled message of it (what messages, bulkEmails and Message.bulkEmail reach).
  const bulk = em.create(BulkSend, { account: accountId, principalKey: `token:${token.tokenUuid}`, total: 1, requests: [] });
  await em.flush();
  const scheduled = await insertMessage(s, { accountId, domainUuid: domain.id, tenantUuid: tenant.id, recipient: `later-${label.toLowerCase()}@inbox.example.net` });
  await em.nativeUpdate(Message, { id: scheduled.id }, { status: MessageStatus.SCHEDULED, sendAt: new Date(Date.now() + 86400_000), bulkId: bulk.id });
  // An SMTP credential of the tenant's domain.
  const smtpUser = em.create(SmtpUser, { account: accountId, name: `SMTP user ${label}`, username: unique(`smtp_${label.toLowerCase()}_`), passwordHash: sha256(`pw ${label}`), domain: domain.id });
  // Analytics: rollups of an hour ago (the tenant's domain and its identity on the agency domain, tagged
  // with the tenant's tag, its template) and a saved report of the tenant's token.
  const at = new Date(Date.now() - 3600_000);
  const events: EventRow[] = ['QUEUED', 'SENT', 'DELIVERED', 'OPENED', 'OPENED_UNIQUE', 'CLICKED', 'CLICKED_UNIQUE'].flatMap((type, i) =>
    [
      [domain.id, null],
      [agencyDomainId, identity.id],
    ].map(([domainId, senderIdentityId]) => ({
      id: String(i),
      type: type as ActivityEventType,
      occurredAt: at,
      accountId,
      messageId: tenant.id,
      tenantId: tenant.id,
      domainId: domainId!,
      senderIdentityId,
      recipient: `rcpt-${label.toLowerCase()}@example.net`,
      tags: [tenant.tag],
      data: { country: 'DE', client: `Client ${label}`, environment: 'webmail' },
    })),
  );
  const rollups = aggregate(events, new Map([[tenant.id, template.id]]));
  await upsertHourly(em, rollups.hourly);
  await upsertEngagement(em, rollups.engagement);
  await upsertAccountHourly(em, rollups.account);
  const report = em.create(Report, {
    account: accountId,
    principalKey: `token:${token.tokenUuid}`,
    name: `Report ${label}`,
    filter: { from: null, to: null, lastDays: 7, tenantIds: [tenant.id], domainIds: null, identityIds: null, templateIds: [template.id], tags: null },
    ownerScope: { accountId, accountWide: false, allDomains: false, tenantIds: [tenant.id], domainIds: [domain.id], identityIds: [identity.id] },
  });
  await em.flush();
  // Suppressions on the tenant's domain and of its identity on the agency domain, so the new fields have something to find.
  const lower = label.toLowerCase();
  const entry = { accountId, tenantId: tenant.id, pattern: null, likePattern: null, reason: `Reason ${label}`, source: SuppressionSource.API };
  const [suppression, identitySuppression] = await insertEntries(em, [
    { ...entry, domainId: domain.id, senderIdentityId: null, list: SuppressionList.UNSUBSCRIBE, recipient: `unsub-${lower}@suppressed.example` },
    { ...entry, domainId: agencyDomainId, senderIdentityId: identity.id, list: SuppressionList.HARD_BOUNCE, recipient: `bounce-${lower}@suppressed.example` },
  ]);
  await insertEntries(em, [
    { ...entry, domainId: domain.id, senderIdentityId: null, list: SuppressionList.BLOCKLIST, recipient: null, pattern: `${lower}*@blocked.example`, likePattern: `${lower}%@blocked.example` },
  ]);
  const blocklist = await seedBlocklist(s, accountId, tenant.id, domain.id, label, `198.51.100.${label.length}`);
  // A DMARC monitor of the tenant's domain with one report from a reporter named after the tenant.
  const dmarcMonitor = em.create(DmarcMonitor, {
    account: accountId,
    tenant: tenant.id,
    domain: domain.id,
    ruaToken: newRuaToken(),
    currentRecord: `v=DMARC1; p=none; rua=mailto:dmarc-${lower}@x.example`,
  });
  await em.flush();
  const xml = reportXml(domain.name, `dmarc-report-${lower}`, 1, [{ ip: '192.0.2.77', count: 7, dkim: 'pass', spf: 'fail' }], `reporter-${lower}.example`);
  const dmarcReport = (await fileReport(em, dmarcMonitor, Buffer.from(xml), DmarcReportSource.UPLOAD, `report-${lower}.xml`, 1024 * 1024)).report;
  const logMarkers = await seedTenantLogs(em, accountId, tenant.id, label, { smtpUserId: smtpUser.id, domainId: domain.id, name: smtpUser.name });
  return {
    tenant,
    domain,
    identity,
    template,
    webhook,
    delivery,
    replay,
    erasure,
    message,
    scheduled,
    bulk,
    report,
    dmarcMonitor,
    dmarcReport,
    blocklist,
    logMarkers,
    tokenUuid: token.tokenUuid,
    smtpUser,
    suppressionIds: [suppression.id, identitySuppression.id],
    attachment,
    attachmentContent: fileBytes.toString('base64'),
  };
}

function idsOf(x: Awaited<ReturnType<typeof seedTenant>>): Record<string, string[]> {
  return {
    Tenant: [toGlobalId('Tenant', x.tenant.id)],
    Domain: [toGlobalId('Domain', x.domain.id)],
    SenderIdentity: [toGlobalId('SenderIdentity', x.identity.id)],
    Template: [toGlobalId('Template', x.template.id)],
    ApiToken: [toGlobalId('ApiToken', x.tokenUuid)],
    Suppression: x.suppressionIds.map((id) => toGlobalId('Suppression', id)),
    Webhook: [toGlobalId('Webhook', x.webhook.id)],
    WebhookDelivery: [toGlobalId('WebhookDelivery', x.delivery.id)],
    WebhookReplay: [toGlobalId('WebhookReplay', x.replay.id)],
    ErasureRequest: [toGlobalId('ErasureRequest', x.erasure.id)],
    Message: [toGlobalId('Message', x.message.id), toGlobalId('Message', x.scheduled.id)],
    BulkSend: [toGlobalId('BulkSend', x.bulk.id)],
    Report: [toGlobalId('Report', x.report.id)],
    BlocklistMonitor: [toGlobalId('BlocklistMonitor', x.blocklist.monitor.id)],
    BlocklistCheck: [toGlobalId('BlocklistCheck', x.blocklist.check.id)],
    BlocklistAlert: [toGlobalId('BlocklistAlert', x.blocklist.alertId)],
    DmarcMonitor: [toGlobalId('DmarcMonitor', x.dmarcMonitor.id)],
    DmarcReport: [toGlobalId('DmarcReport', x.dmarcReport.id)],
    SmtpUser: [toGlobalId('SmtpUser', x.smtpUser.id)],
  };
}

function markersOf(x: Awaited<ReturnType<typeof seedTenant>>): string[] {
  const ids = idsOf(x);
  const lower = x.tenant.name.replace('Tenant ', '').toLowerCase();
  return [
    `unsub-${lower}@`,
    `bounce-${lower}@`,
    `${lower}*@blocked`,
    x.tenant.name,
    x.tenant.tag,
    x.domain.name,
    x.identity.email,
    x.template.name,
    x.tenant.id,
    x.domain.id,
    x.identity.id,
    x.template.id,
    x.tokenUuid,
    x.smtpUser.name,
    x.smtpUser.username,
    x.smtpUser.id,
    x.webhook.name,
    x.webhook.url,
    x.webhook.id,
    x.delivery.id,
    x.delivery.messageId,
    x.replay.id,
    x.erasure.id,
    x.erasure.principalLabel,
    x.erasure.emailHash,
    x.message.id,
    x.message.recipient,
    x.scheduled.id,
    x.scheduled.recipient,
    x.bulk.id,
    x.report.name,
    x.report.id,
    x.dmarcMonitor.id,
    x.dmarcMonitor.ruaToken,
    `dmarc-${lower}@x.example`,
    x.dmarcReport.id,
    `dmarc-report-${lower}`,
    `reporter-${lower}.example`,
    `Client ${x.tenant.name.replace('Tenant ', '')}`,
    x.blocklist.monitor.name,
    `bl-${lower}@notify`,
    `zone-${lower}.example`,
    `Hit reason ${x.tenant.name.replace('Tenant ', '')}`,
    `Check error ${x.tenant.name.replace('Tenant ', '')}`,
    x.blocklist.monitor.id,
    x.blocklist.check.id,
    x.blocklist.alertId,
    ...x.logMarkers,
    x.attachment.id,
    x.attachment.filename,
    x.attachmentContent,
    `tpl-file-${lower}.pdf`,
    ...Object.values(ids).flat(),
  ];
}

/**
 * Account A (agency domain DA) with tenant 1 and tenant 2 (each: own domain, an identity on DA,
 * a template, a tenant token, a system e-mail, a tenant webhook with a delivery and a replay), account B
 * with one tenant, and every principal kind.
 */
export async function buildMatrixFixture(s: TestServer): Promise<MatrixFixture> {
  const a = await s.newAccount('Agency A');
  const b = await s.newAccount(`Agency B ${SECRET}`);
  const agencyA = await insertDomain(s, { accountId: a.accountId, tenantUuid: null, name: `agency-${unique('a')}.example.com` });
  const agencyB = await insertDomain(s, { accountId: b.accountId, tenantUuid: null, name: `agency-${SECRET}-${unique('b')}.example.com` });
  const t1 = await seedTenant(s, a.accountId, 'One', agencyA.id);
  const t2 = await seedTenant(s, a.accountId, `Two${SECRET}`, agencyA.id);
  const tb = await seedTenant(s, b.accountId, `Bee${SECRET}`, agencyB.id);
  // The agency's own IP monitor: account-wide principals of account A only.
  const ownBl = await seedBlocklist(s, a.accountId, null, null, `Agencyown${SECRET}`, '203.0.113.77');
  const ownBlIds = [toGlobalId('BlocklistMonitor', ownBl.monitor.id)];
  const ownBlMarkers = [`Monitor Agencyown${SECRET}`, '203.0.113.77', ownBl.monitor.id, ownBl.check.id, ownBl.alertId, ...ownBlIds];
  const readOnly = ALL_PERMISSIONS.filter((p) => p.endsWith('_READ'));
  const tok = (opts: Parameters<typeof insertApiToken>[1]) => insertApiToken(s, opts).then((t) => t.secret);
  const A = a.accountId;
  const all = [...ALL_PERMISSIONS];
  const principals: MatrixPrincipal[] = [
    { name: 'admin token A', token: a.adminToken, reach: 'accountA' },
    { name: 'admin member A', token: await session(s, A, `${unique('adm')}@a.example`, Role.ADMIN), reach: 'accountA' },
    { name: 'accountant A', token: await session(s, A, `${unique('acc')}@a.example`, Role.ACCOUNTANT), reach: 'accountA' },
    { name: 'manager limited to domain 1', token: await session(s, A, `${unique('mgr')}@a.example`, Role.MANAGER, { allDomains: false, domainIds: [t1.domain.id] }), reach: 'tenant1' },
    { name: 'designer limited to domain 1', token: await session(s, A, `${unique('des')}@a.example`, Role.DESIGNER, { allDomains: false, domainIds: [t1.domain.id] }), reach: 'tenant1' },
    {
      name: 'custom with template allow-list',
      token: await session(s, A, `${unique('cus')}@a.example`, Role.CUSTOM, { allDomains: false, domainIds: [], customPermissions: all, templateIds: [t1.template.id] }),
      reach: 'tenant1',
    },
    {
      name: 'custom with all domains and a template allow-list',
      token: await session(s, A, `${unique('cat')}@a.example`, Role.CUSTOM, { allDomains: true, domainIds: [], customPermissions: all, templateIds: [t1.template.id] }),
      reach: 'allDomainsTemplate1',
    },
    { name: 'tenant token 1', token: await tok({ accountId: A, permissions: all, tenantUuid: t1.tenant.id }), reach: 'tenant1' },
    { name: 'domain token 1', token: await tok({ accountId: A, permissions: all, domainUuid: t1.domain.id }), reach: 'tenant1' },
    { name: 'identity token 1', token: await tok({ accountId: A, permissions: all, identityUuid: t1.identity.id }), reach: 'tenant1' },
    { name: 'read-only tenant token 1', token: await tok({ accountId: A, permissions: readOnly, tenantUuid: t1.tenant.id }), reach: 'tenant1' },
    { name: 'expired token', token: await tok({ accountId: A, permissions: all, expiresAt: new Date(Date.now() - 1000) }), reach: 'tenant1' },
    { name: 'revoked token', token: await tok({ accountId: A, permissions: all, revoked: true }), reach: 'tenant1' },
    { name: 'paused token', token: await tok({ accountId: A, permissions: all, paused: true }), reach: 'tenant1' },
    { name: 'anonymous', token: null, reach: 'tenant1' },
    { name: 'admin token B', token: b.adminToken, reach: 'accountB' },
  ];
  const foreign = idsOf(t2);
  const bIds = idsOf(tb);
  const foreignIds: Record<string, string[]> = {};
  for (const k of Object.keys(foreign)) foreignIds[k] = [...foreign[k], ...bIds[k]];
  foreignIds.Domain.push(toGlobalId('Domain', agencyB.id));
  foreignIds.BlocklistMonitor.push(...ownBlIds);
  const otherAccountIds: Record<string, string[]> = { ...bIds, Domain: [...bIds.Domain, toGlobalId('Domain', agencyB.id)] };
  const accountBMarkers = [...markersOf(tb), `Agency B ${SECRET}`, agencyB.name, agencyB.id, b.accountId, toGlobalId('Account', b.accountId)];
  return {
    principals,
    foreignIds,
    otherAccountIds,
    ownIds: idsOf(t1),
    accountAIds: Object.fromEntries(Object.entries(idsOf(t1)).map(([k, v]) => [k, [...v, ...foreign[k], ...(k === 'BlocklistMonitor' ? ownBlIds : [])]])),
    accountAMarkers: [...markersOf(t1), ...markersOf(t2), agencyA.name, agencyA.id, ...ownBlMarkers],
    tenant2Markers: [...markersOf(t2), ...ownBlMarkers],
    accountBMarkers,
    templateLimitedForeignIds: { ...otherAccountIds, Template: [...otherAccountIds.Template, ...foreign.Template], BlocklistMonitor: [...otherAccountIds.BlocklistMonitor, ...ownBlIds] },
    templateLimitedMarkers: [
      ...accountBMarkers,
      ...ownBlMarkers,
      t2.template.name,
      t2.template.id,
      ...foreign.Template,
      'Confirm One',
      'link for One',
      `Confirm ${t2.tenant.name.replace('Tenant ', '')}`,
    ],
  };
}
