import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { Webhook } from '../src/modules/webhooks/webhook.entity';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import {
  DeleteWebhookDocument,
  RedeliverWebhookDeliveryDocument,
  RotateWebhookSecretDocument,
  TestWebhookDocument,
  UpdateWebhookDocument,
  WebhookDocument,
  WebhookDeliveryUpdatedDocument,
  WebhooksDocument,
} from './generated/graphql';
import { errorCode, ok } from './support/harness';
import { createWebhook, startWebhookEnv, verifyWith, type WebhookEnv, webhookWorld } from './support/webhook-fixtures';
import { subscribe } from './support/ws-client';
import { print } from 'graphql';

let env: WebhookEnv;
beforeAll(async () => {
  env = await startWebhookEnv();
});
afterAll(() => env?.stop());

const drain = () => env.s.app.consumers!.drain();

describe('webhooks: create, sign, deliver', () => {
  it('a new webhook is pinged with a signed test event that standardwebhooks verifies; the secret is shown once and encrypted at rest', async () => {
    const w = await webhookWorld(env.s);
    const { webhook, signingSecret } = await createWebhook(env.s, w.adminToken, { name: 'Alerts', url: env.rx.url('/create-ping'), events: ['ACTIVITY_DELIVERED'], domainId: w.gid(w.domainA) });
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(webhook).toMatchObject({ name: 'Alerts', enabled: true, disabledReason: null, domainId: w.gid(w.domainA), tenantId: null, events: ['ACTIVITY_DELIVERED'] });
    const [ping] = env.rx.on('/create-ping');
    expect(verifyWith(signingSecret, ping.headers, ping.body)).toMatchObject({ type: 'webhook.test', data: { webhookId: webhook.id } });
    expect(() => verifyWith('whsec_' + Buffer.alloc(24, 1).toString('base64'), ping.headers, ping.body)).toThrow();
    const [row] = await systemEm(env.s.app.orm).execute('select secret_encrypted from webhooks where id = ?', [Buffer.from(webhook.id, 'base64url').toString().split(':')[1]]);
    expect(row.secret_encrypted).not.toContain(signingSecret.slice(6, 20));
    const listed = ok(await env.s.gql(WebhooksDocument, {}, w.adminToken)).webhooks;
    expect(listed.totalCount).toBe(1);
    expect(JSON.stringify(listed)).not.toContain(signingSecret);
    const log = ok(await env.s.gql(WebhookDocument, { id: webhook.id }, w.adminToken)).webhook!.deliveries;
    expect(log.edges.map((e) => e.node)).toMatchObject([{ eventType: null, status: 'SUCCEEDED', attempts: 1, responseStatus: 200, responseBody: 'answer to /create-ping' }]);
  });

  it('a URL that fails the test ping is saved disabled, with the reason; a non-https URL is refused', async () => {
    const w = await webhookWorld(env.s);
    env.rx.respond('/broken', 503);
    const { webhook } = await createWebhook(env.s, w.adminToken, { name: 'Broken', url: env.rx.url('/broken'), events: ['ACTIVITY_SENT'] });
    expect(webhook).toMatchObject({ enabled: false, disabledReason: 'The test ping failed: HTTP 503' });
    const bad = await env.s.gql(UpdateWebhookDocument, { input: { id: webhook.id, url: 'ftp://example.com/x' } }, w.adminToken);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
    env.rx.respond('/broken', 200);
    const fixed = ok(await env.s.gql(UpdateWebhookDocument, { input: { id: webhook.id, enabled: true } }, w.adminToken)).updateWebhook.webhook;
    expect(fixed).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('activity events reach the webhook in event order with a fat, verified payload, never message content; webhook-id is stable per event and endpoint', async () => {
    const w = await webhookWorld(env.s);
    const { webhook, signingSecret } = await createWebhook(env.s, w.adminToken, {
      name: 'Activity',
      url: env.rx.url('/activity'),
      events: ['ACTIVITY_SENT', 'ACTIVITY_DELIVERED', 'ACTIVITY_OPENED'],
      domainId: w.gid(w.domainA),
    });
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id, tenantUuid: w.tenantAUuid, tags: ['welcome'], html: '<p>very secret body</p>' });
    const events = await recordEvents(env.s, m, [ActivityEventType.SENT, ActivityEventType.DELIVERED, ActivityEventType.CLICKED, ActivityEventType.OPENED], { smtp: '250 ok' });
    await drain();
    const got = await env.rx.waitFor('/activity', 4);
    const bodies = got.slice(1).map((r) => verifyWith(signingSecret, r.headers, r.body));
    expect(bodies.map((b) => b.type)).toEqual(['activity.sent', 'activity.delivered', 'activity.opened']);
    expect(bodies[1]).toMatchObject({
      timestamp: events[1].occurredAt.toISOString(),
      data: {
        event: { type: 'DELIVERED', details: { smtp: '250 ok' } },
        message: {
          id: toGlobalId('Message', m.id),
          recipient: m.recipient,
          subject: 'Hello',
          tags: ['welcome'],
          from: { email: 'sender@example.com' },
          domainId: w.gid(w.domainA),
          tenantId: w.tenantA,
          senderIdentityId: null,
        },
      },
    });
    expect(
      got
        .slice(1)
        .map((r) => r.body)
        .join(''),
    ).not.toMatch(/very secret body|secret body/);
    const ids = got.slice(1).map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(3);
    const log = ok(await env.s.gql(WebhookDocument, { id: webhook.id, filter: { eventTypes: ['ACTIVITY_DELIVERED'] } }, w.adminToken)).webhook!.deliveries;
    expect(log.totalCount).toBe(1);
    const delivery = log.edges[0].node;
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attempts: 1, responseStatus: 200, eventType: 'ACTIVITY_DELIVERED' });
    expect(delivery.request.headers!['webhook-id']).toBe(ids[1]);
    // Redelivery sends the same body with the same webhook-id (receivers dedupe by it).
    ok(await env.s.gql(RedeliverWebhookDeliveryDocument, { input: { id: delivery.id } }, w.adminToken));
    const again = (await env.rx.waitFor('/activity', 5))[4];
    expect(again.headers['webhook-id']).toBe(ids[1]);
    expect(verifyWith(signingSecret, again.headers, again.body)).toEqual(bodies[1]);
  });

  it('retries follow the configured schedule and succeed; an endpoint that never answers 2xx fails the delivery after the last attempt', async () => {
    const w = await webhookWorld(env.s);
    const { webhook } = await createWebhook(env.s, w.adminToken, { name: 'Flaky', url: env.rx.url('/flaky'), events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainA) });
    env.rx.respond('/flaky', (n) => (n === 1 || n === 2 ? 500 : 200));
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id });
    await recordEvents(env.s, m, [ActivityEventType.SENT]);
    await drain();
    const got = await env.rx.waitFor('/flaky', 4);
    expect(got[2].at - got[1].at).toBeGreaterThanOrEqual(900);
    expect(got[3].at - got[2].at).toBeGreaterThanOrEqual(900);
    expect(new Set(got.slice(1).map((r) => r.headers['webhook-id'])).size).toBe(1);
    await expect
      .poll(async () => ok(await env.s.gql(WebhookDocument, { id: webhook.id, filter: { eventTypes: ['ACTIVITY_SENT'] } }, w.adminToken)).webhook!.deliveries.edges[0].node, { timeout: 5000 })
      .toMatchObject({ status: 'SUCCEEDED', attempts: 3, responseStatus: 200 });

    env.rx.respond('/down', (n) => (n === 0 ? 200 : 500));
    const down = await createWebhook(env.s, w.adminToken, { name: 'Down', url: env.rx.url('/down'), events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainA) });
    await recordEvents(env.s, m, [ActivityEventType.SENT]);
    await drain();
    await env.rx.waitFor('/down', 4);
    await expect
      .poll(async () => ok(await env.s.gql(WebhookDocument, { id: down.webhook.id, filter: { status: 'FAILED' } }, w.adminToken)).webhook!.deliveries.edges[0]?.node, { timeout: 5000 })
      .toMatchObject({ attempts: 3, responseStatus: 500, error: 'HTTP 500', nextAttemptAt: null });
    await new Promise((r) => setTimeout(r, 1500));
    expect(env.rx.on('/down')).toHaveLength(4);
  });

  it('410 Gone disables the webhook at once; later events are not sent', async () => {
    const w = await webhookWorld(env.s);
    env.rx.respond('/gone', (n) => (n === 0 ? 200 : 410));
    const { webhook } = await createWebhook(env.s, w.adminToken, { name: 'Gone', url: env.rx.url('/gone'), events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainA) });
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id });
    await recordEvents(env.s, m, [ActivityEventType.SENT]);
    await drain();
    await env.rx.waitFor('/gone', 2);
    await expect
      .poll(async () => ok(await env.s.gql(WebhookDocument, { id: webhook.id }, w.adminToken)).webhook, { timeout: 5000 })
      .toMatchObject({ enabled: false, disabledReason: 'The endpoint answered 410 Gone' });
    await recordEvents(env.s, m, [ActivityEventType.SENT]);
    await drain();
    await new Promise((r) => setTimeout(r, 500));
    expect(env.rx.on('/gone')).toHaveLength(2);
  });

  it('after a rotation both secrets verify for the overlap; the receiver can switch with no downtime', async () => {
    const w = await webhookWorld(env.s);
    const first = await createWebhook(env.s, w.adminToken, { name: 'Rotating', url: env.rx.url('/rotate'), events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainA) });
    const rotated = ok(await env.s.gql(RotateWebhookSecretDocument, { input: { id: first.webhook.id } }, w.adminToken)).rotateWebhookSecret;
    expect(rotated.signingSecret).not.toBe(first.signingSecret);
    expect(new Date(rotated.webhook.previousSecretExpiresAt!).getTime()).toBeGreaterThan(Date.now() + 23.9 * 3600_000);
    ok(await env.s.gql(TestWebhookDocument, { input: { id: first.webhook.id } }, w.adminToken));
    const [, after] = await env.rx.waitFor('/rotate', 2);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWith(first.signingSecret, after.headers, after.body).type).toBe('webhook.test');
    expect(verifyWith(rotated.signingSecret, after.headers, after.body).type).toBe('webhook.test');
    // Once the overlap ends, only the new secret signs.
    await systemEm(env.s.app.orm).nativeUpdate(Webhook, { id: Buffer.from(first.webhook.id, 'base64url').toString().split(':')[1] }, { previousSecretExpiresAt: new Date(Date.now() - 1000) });
    const test = ok(await env.s.gql(TestWebhookDocument, { input: { id: first.webhook.id } }, w.adminToken)).testWebhook.delivery;
    expect(test).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    const [, , last] = env.rx.on('/rotate');
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => verifyWith(first.signingSecret, last.headers, last.body)).toThrow();
    expect(verifyWith(rotated.signingSecret, last.headers, last.body).type).toBe('webhook.test');
  });

  it('webhookDeliveryUpdated streams the webhook’s delivery outcomes over WebSocket; delete removes the webhook', async () => {
    const w = await webhookWorld(env.s);
    const { webhook } = await createWebhook(env.s, w.adminToken, { name: 'Live', url: env.rx.url('/live'), events: ['ACTIVITY_SENT'], domainId: w.gid(w.domainA) });
    const live = subscribe<{ id: string; status: string; attempts: number }>(
      env.s.url,
      w.adminToken,
      print(WebhookDeliveryUpdatedDocument),
      { webhookId: webhook.id },
      (d) => d.webhookDeliveryUpdated,
    );
    await new Promise((r) => setTimeout(r, 200));
    env.rx.respond('/live', (n) => (n === 1 ? 500 : 200));
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id });
    await recordEvents(env.s, m, [ActivityEventType.SENT]);
    await drain();
    const items = await live.waitFor(2);
    expect(items.slice(0, 2)).toMatchObject([
      { status: 'PENDING', attempts: 1 },
      { status: 'SUCCEEDED', attempts: 2 },
    ]);
    await live.close();
    const deleted = ok(await env.s.gql(DeleteWebhookDocument, { input: { id: webhook.id } }, w.adminToken)).deleteWebhook;
    expect(deleted.deletedWebhookId).toBe(webhook.id);
    expect(errorCode(await env.s.gql(WebhookDocument, { id: webhook.id }, w.adminToken))).toBe('NOT_FOUND');
  });
});
