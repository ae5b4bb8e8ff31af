import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission, Role } from '../src/auth/permissions';
import { MemberStatus, Membership } from '../src/modules/members/membership.entity';
import { User } from '../src/modules/members/user.entity';
import { generateSecret } from '../src/auth/token-format';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { sha256 } from '../src/lib/crypto';
import { DomainStatus } from '../src/modules/domains/domain.types';
import { SenderIdentity, SenderIdentityStatus } from '../src/modules/identities/sender-identity.entity';
import { SystemEmail, SystemEmailKind } from '../src/modules/mail/system-email.entity';
import { RETENTION_TASK } from '../src/modules/webhooks/webhook-jobs.task';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { insertApiToken, insertDomain, unique } from './support/factories';
import {
  ReplayWebhookEventsDocument,
  SendBulkEmailDocument,
  TestWebhookDocument,
  UpdateWebhookDocument,
  VerifyDomainDocument,
  WebhookDocument,
  WebhookReplayDocument,
  WebhooksDocument,
  type WebhookEventType,
} from './generated/graphql';
import { errorCode, ok } from './support/harness';
import { createWebhook, startWebhookEnv, verifyWith, type WebhookEnv, webhookWorld } from './support/webhook-fixtures';

let env: WebhookEnv;
beforeAll(async () => {
  env = await startWebhookEnv({ webhookDisableAfterFailures: 3, webhookDisableAfterHours: 0, webhookRetryScheduleSeconds: [0] });
});
afterAll(() => env?.stop());

const drain = () => env.s.app.consumers!.drain();
const ALL = [Permission.WEBHOOKS_READ, Permission.WEBHOOKS_MANAGE, Permission.EMAIL_SEND, Permission.DOMAINS_READ, Permission.DOMAINS_MANAGE];
const types = (path: string) =>
  env.rx
    .on(path)
    .slice(1)
    .map((r) => JSON.parse(r.body).type as string);

describe('webhook scope and isolation', () => {
  it('a domain webhook gets only its domain; a tenant webhook its tenant’s domains and identities; an account webhook everything — each payload only its own', async () => {
    const w = await webhookWorld(env.s);
    const domainHook = await createWebhook(env.s, w.adminToken, { name: 'A1', url: env.rx.url('/iso-domain'), events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainA) });
    const tenantHook = await createWebhook(env.s, w.adminToken, { name: 'TA', url: env.rx.url('/iso-tenant'), events: ['ACTIVITY_SENT'], tenantId: w.tenantA });
    await createWebhook(env.s, w.adminToken, { name: 'All', url: env.rx.url('/iso-account'), events: ['ACTIVITY_SENT'] });
    const em = systemEm(env.s.app.orm);
    const identityA = em.create(SenderIdentity, { account: w.accountId, tenant: w.tenantAUuid, domain: w.agency.id, email: `${unique('ia')}@agency.example`, status: SenderIdentityStatus.CONFIRMED });
    await em.flush();
    const onA = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id, tenantUuid: w.tenantAUuid, recipient: 'a1@example.net' });
    const onA2 = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA2.id, tenantUuid: w.tenantAUuid, recipient: 'a2@example.net' });
    const onB = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainB.id, tenantUuid: w.tenantBUuid, recipient: 'b@example.net' });
    const viaIdentity = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.agency.id, tenantUuid: w.tenantAUuid, identityUuid: identityA.id, recipient: 'ident@example.net' });
    const other = await env.s.newAccount();
    const otherDomain = await insertDomain(env.s, { accountId: other.accountId });
    const foreign = await insertMessage(env.s, { accountId: other.accountId, domainUuid: otherDomain.id, recipient: 'foreign@example.net' });
    for (const m of [onA, onA2, onB, viaIdentity, foreign]) await recordEvents(env.s, m, [ActivityEventType.SENT]);
    await drain();
    await env.rx.waitFor('/iso-account', 5);
    await env.rx.waitFor('/iso-tenant', 4);
    await env.rx.waitFor('/iso-domain', 2);
    await new Promise((r) => setTimeout(r, 300));
    const recipients = (path: string) =>
      env.rx
        .on(path)
        .slice(1)
        .map((r) => JSON.parse(r.body).data.message.recipient)
        .sort();
    expect(recipients('/iso-domain')).toEqual(['a1@example.net']);
    expect(recipients('/iso-tenant')).toEqual(['a1@example.net', 'a2@example.net', 'ident@example.net']);
    expect(recipients('/iso-account')).toEqual(['a1@example.net', 'a2@example.net', 'b@example.net', 'ident@example.net']);
    for (const path of ['/iso-domain', '/iso-tenant'])
      expect(
        env.rx
          .on(path)
          .map((r) => r.body)
          .join(''),
      ).not.toContain(w.domainB.id);

    // Principals see, test and read only the webhooks in their own scope.
    const tokenB = (await insertApiToken(env.s, { accountId: w.accountId, permissions: ALL, tenantUuid: w.tenantBUuid })).secret;
    const domainTokenA = (await insertApiToken(env.s, { accountId: w.accountId, permissions: ALL, domainUuid: w.domainA.id })).secret;
    expect(ok(await env.s.gql(WebhooksDocument, {}, tokenB)).webhooks).toEqual({ totalCount: 0, edges: [] });
    expect(ok(await env.s.gql(WebhooksDocument, {}, domainTokenA)).webhooks.edges.map((e) => e.node.name)).toEqual(['A1']);
    for (const id of [domainHook.webhook.id, tenantHook.webhook.id]) {
      expect(errorCode(await env.s.gql(WebhookDocument, { id }, tokenB))).toBe('NOT_FOUND');
      expect(errorCode(await env.s.gql(TestWebhookDocument, { input: { id } }, tokenB))).toBe('NOT_FOUND');
      expect(errorCode(await env.s.gql(ReplayWebhookEventsDocument, { input: { webhookId: id, from: new Date(Date.now() - 3600_000).toISOString(), to: new Date().toISOString() } }, tokenB))).toBe(
        'NOT_FOUND',
      );
    }
    expect(errorCode(await env.s.gql(WebhookDocument, { id: tenantHook.webhook.id }, domainTokenA))).toBe('NOT_FOUND');
    // A domain principal cannot make an account or tenant webhook, nor one of another client's domain.
    const url = env.rx.url('/never');
    expect(errorCode(await env.s.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { signingSecret } }`, { i: { name: 'x', url, events: ['ACTIVITY_SENT'] } }, domainTokenA))).toBe(
      'FORBIDDEN',
    );
    expect(
      errorCode(
        await env.s.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { signingSecret } }`, { i: { name: 'x', url, events: ['ACTIVITY_SENT'], tenantId: w.tenantA } }, domainTokenA),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await env.s.gql(
          `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { signingSecret } }`,
          { i: { name: 'x', url, events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainB) } },
          domainTokenA,
        ),
      ),
    ).toBe('NOT_FOUND');
    expect(env.rx.on('/never')).toEqual([]);
  });

  it('platform events: a domain status change, a verified sender identity and a completed bulk send reach the webhooks of their scope', async () => {
    const w = await webhookWorld(env.s);
    const { signingSecret } = await createWebhook(env.s, w.adminToken, {
      name: 'Platform',
      url: env.rx.url('/platform'),
      events: ['DOMAIN_STATUS_CHANGED', 'SENDER_IDENTITY_VERIFIED', 'BULK_EMAIL_COMPLETED'],
      tenantId: w.tenantA,
    });
    await createWebhook(env.s, w.adminToken, {
      name: 'Platform B',
      url: env.rx.url('/platform-b'),
      events: ['DOMAIN_STATUS_CHANGED', 'SENDER_IDENTITY_VERIFIED', 'BULK_EMAIL_COMPLETED'],
      tenantId: w.tenantB,
    });
    // The empty loopback zone fails every record: the VERIFIED domain goes back to PENDING.
    const verified = ok(await env.s.gql(VerifyDomainDocument, { input: { domainId: w.gid(w.domainA) } }, w.adminToken)).verifyDomain.domain;
    expect(verified.status).toBe(DomainStatus.PENDING);
    const em = systemEm(env.s.app.orm);
    const link = generateSecret('link');
    const identity = em.create(SenderIdentity, {
      account: w.accountId,
      tenant: w.tenantAUuid,
      domain: w.agency.id,
      email: `${unique('new')}@agency.example`,
      confirmationTokenHash: sha256(link),
      confirmationExpiresAt: new Date(Date.now() + 3600_000),
    });
    await em.flush();
    const confirmed = await fetch(`${env.s.url}/confirm-sender`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${link}` });
    expect(confirmed.status).toBe(200);
    const tenantToken = (await insertApiToken(env.s, { accountId: w.accountId, permissions: ALL, tenantUuid: w.tenantAUuid })).secret;
    const bulk = ok(
      await env.s.gql(SendBulkEmailDocument, { input: { requests: [{ from: { email: 'x@not-ours.example' }, to: [{ email: 'r@example.net' }], subject: 'Hi', text: 'Hi' }] } }, tenantToken),
    ).sendBulkEmail.bulkEmail;
    await expect.poll(() => types('/platform'), { timeout: 15_000 }).toHaveLength(3);
    await drain();
    const bodies = env.rx
      .on('/platform')
      .slice(1)
      .map((r) => verifyWith(signingSecret, r.headers, r.body));
    expect(bodies.map((b) => b.type)).toEqual(['domain.status_changed', 'sender_identity.verified', 'bulk_email.completed']);
    expect(bodies[0].data).toMatchObject({ domain: { id: w.gid(w.domainA), name: w.domainA.name, status: 'PENDING', previousStatus: 'VERIFIED' }, tenantId: w.tenantA });
    expect(bodies[1].data).toMatchObject({ senderIdentity: { id: toGlobalId('SenderIdentity', identity.id), email: identity.email }, tenantId: w.tenantA });
    expect(bodies[2].data).toMatchObject({ bulkSend: { id: bulk.id, total: 1, processed: 1, failed: 1, messagesQueued: 0 }, tenantId: w.tenantA });
    expect(env.rx.on('/platform-b')).toHaveLength(1);
  });

  it('suppression events: an address listed, held or removed reaches the webhooks of its scope with the address, nobody else', async () => {
    const w = await webhookWorld(env.s);
    const events: WebhookEventType[] = ['SUPPRESSION_ADDED', 'SUPPRESSION_REMOVED', 'RECIPIENT_ON_HOLD_ADDED'];
    const { signingSecret } = await createWebhook(env.s, w.adminToken, { name: 'Lists A', url: env.rx.url('/lists-a'), events, tenantId: w.tenantA });
    await createWebhook(env.s, w.adminToken, { name: 'Lists B', url: env.rx.url('/lists-b'), events, tenantId: w.tenantB });
    const added = await env.s.gql<any, any>(
      'mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { suppressions { id } } }',
      { input: { list: 'UNSUBSCRIBE', domainId: w.gid(w.domainA), recipients: ['gone@example.net'] } },
      w.adminToken,
    );
    const [entry] = ok(added).addSuppressions.suppressions;
    ok(await env.s.gql<any, any>('mutation($input: RemoveSuppressionsInput!) { removeSuppressions(input: $input) { removedCount } }', { input: { ids: [entry.id] } }, w.adminToken));
    // Soft bounces past the (default) threshold put a recipient on hold: the consumer's own writes are announced too.
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id, tenantUuid: w.tenantAUuid, recipient: 'full@example.net' });
    await recordEvents(env.s, m, Array(5).fill(ActivityEventType.SOFT_BOUNCED));
    await drain();
    await expect.poll(() => types('/lists-a'), { timeout: 15_000 }).toHaveLength(3);
    await drain();
    const bodies = env.rx
      .on('/lists-a')
      .slice(1)
      .map((r) => verifyWith(signingSecret, r.headers, r.body));
    expect(bodies.map((b) => b.type)).toEqual(['suppression.added', 'suppression.removed', 'recipient.on_hold_added']);
    expect(bodies[0].data).toMatchObject({ suppression: { id: entry.id, list: 'UNSUBSCRIBE', recipient: 'gone@example.net' } });
    expect(bodies[2].data).toMatchObject({ suppression: { list: 'ON_HOLD', recipient: 'full@example.net' } });
    expect(env.rx.on('/lists-b')).toHaveLength(1);
  });
});

describe('replay, failure policy and retention', () => {
  it('replayWebhookEvents re-sends every matching event of the period, in order, with progress; nothing outside it', async () => {
    const w = await webhookWorld(env.s);
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id, tenantUuid: w.tenantAUuid });
    await recordEvents(env.s, m, [ActivityEventType.SENT]);
    const from = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const inPeriod = await recordEvents(env.s, m, [ActivityEventType.DELIVERED, ActivityEventType.OPENED, ActivityEventType.CLICKED]);
    const onOther = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA2.id, tenantUuid: w.tenantAUuid });
    await recordEvents(env.s, onOther, [ActivityEventType.DELIVERED]);
    await new Promise((r) => setTimeout(r, 20));
    const to = new Date();
    await recordEvents(env.s, m, [ActivityEventType.DELIVERED]);
    await drain();
    const { webhook } = await createWebhook(env.s, w.adminToken, { name: 'Late', url: env.rx.url('/replay'), events: ['ACTIVITY_DELIVERED', 'ACTIVITY_CLICKED'], domainId: w.gid(w.domainA) });
    const replay = ok(await env.s.gql(ReplayWebhookEventsDocument, { input: { webhookId: webhook.id, from: from.toISOString(), to: to.toISOString() } }, w.adminToken)).replayWebhookEvents.replay;
    expect(replay.status).toBe('QUEUED');
    await expect.poll(async () => (ok(await env.s.gql(WebhookReplayDocument, { id: replay.id }, w.adminToken)).node as { status: string } | null)?.status, { timeout: 10_000 }).toBe('COMPLETED');
    expect(ok(await env.s.gql(WebhookReplayDocument, { id: replay.id }, w.adminToken)).node).toMatchObject({ processed: 4, queued: 2 });
    const got = await env.rx.waitFor('/replay', 3);
    expect(types('/replay')).toEqual(['activity.delivered', 'activity.clicked']);
    expect(got.slice(1).map((r) => JSON.parse(r.body).timestamp)).toEqual([inPeriod[0].occurredAt.toISOString(), inPeriod[2].occurredAt.toISOString()]);
    const bad = await env.s.gql(ReplayWebhookEventsDocument, { input: { webhookId: webhook.id, from: to.toISOString(), to: from.toISOString() } }, w.adminToken);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('an endpoint failing every attempt past the limits is disabled and the admins are mailed; retention removes old records', async () => {
    const w = await webhookWorld(env.s);
    const em = systemEm(env.s.app.orm);
    const adminEmail = `${unique('admin')}@agency.example`;
    em.create(Membership, { account: w.accountId, user: em.create(User, { email: adminEmail, name: 'Admin' }), role: Role.ADMIN, status: MemberStatus.ACTIVE, acceptedAt: new Date() });
    await em.flush();
    env.rx.respond('/failing', (n) => (n === 0 ? 200 : 500));
    const { webhook } = await createWebhook(env.s, w.adminToken, { name: 'Failing', url: env.rx.url('/failing'), events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainA) });
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id });
    await recordEvents(env.s, m, [ActivityEventType.SENT, ActivityEventType.SENT, ActivityEventType.SENT, ActivityEventType.SENT]);
    await drain();
    await expect.poll(async () => ok(await env.s.gql(WebhookDocument, { id: webhook.id }, w.adminToken)).webhook, { timeout: 10_000 }).toMatchObject({ enabled: false, consecutiveFailures: 3 });
    const failed = async () => ok(await env.s.gql(WebhookDocument, { id: webhook.id, filter: { status: 'FAILED' } }, w.adminToken)).webhook!;
    await expect.poll(async () => (await failed()).deliveries.totalCount, { timeout: 10_000 }).toBe(4);
    const hook = await failed();
    expect(hook.disabledReason).toMatch(/^Every delivery failed for 0 hours \(at least 3 attempts in a row\)$/);
    expect(env.rx.on('/failing')).toHaveLength(4);
    expect(hook.deliveries.totalCount).toBe(4);
    expect(hook.deliveries.edges.map((e) => e.node.error).sort()).toEqual(['HTTP 500', 'HTTP 500', 'HTTP 500', 'The webhook is disabled']);
    const mails = await systemEm(env.s.app.orm).find(SystemEmail, { account: w.accountId, kind: SystemEmailKind.WEBHOOK_DISABLED });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ subject: 'Webhook disabled: Failing', toEmail: adminEmail });
    expect(mails[0].text).toContain('Every delivery failed');
    ok(await env.s.gql(UpdateWebhookDocument, { input: { id: webhook.id, name: 'Renamed' } }, w.adminToken));

    const old = new Date(Date.now() - 31 * 86400_000);
    await systemEm(env.s.app.orm).execute(`update webhook_deliveries set created_at = ? where webhook_id = (select id from webhooks where name = 'Renamed' and account_id = ?) and status = 'FAILED'`, [
      old,
      w.accountId,
    ]);
    // The daily job (crontab) runs on the worker like any other.
    await systemEm(env.s.app.orm).execute(`select graphile_worker.add_job(?, '{}'::json)`, [RETENTION_TASK]);
    await expect.poll(async () => ok(await env.s.gql(WebhookDocument, { id: webhook.id }, w.adminToken)).webhook!.deliveries.totalCount, { timeout: 10_000 }).toBe(1);
  });
});
