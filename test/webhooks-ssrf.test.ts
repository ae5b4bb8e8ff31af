import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { encrypt } from '../src/lib/crypto';
import { generateWebhookSecret } from '../src/modules/webhooks/signing';
import { Webhook } from '../src/modules/webhooks/webhook.entity';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { CreateWebhookDocument, WebhookDocument } from './generated/graphql';
import { ok } from './support/harness';
import { startWebhookEnv, type WebhookEnv, webhookWorld } from './support/webhook-fixtures';

// The guard is on: MAILROOM_WEBHOOK_ALLOW_PRIVATE is not set here (the receiver on 127.0.0.1 must be unreachable).
let env: WebhookEnv;
beforeAll(async () => {
  env = await startWebhookEnv({ webhookAllowPrivate: false, webhookRetryScheduleSeconds: [0] });
});
afterAll(() => env?.stop());

describe('SSRF guard', () => {
  it('refuses loopback, private and IPv4-mapped literals, and names that resolve to them, on save — nothing reaches the address', async () => {
    const w = await webhookWorld(env.s);
    const port = new URL(env.rx.url('/')).port;
    for (const url of [
      `http://127.0.0.1:${port}/a`,
      `http://[::1]:${port}/b`,
      `http://[::ffff:127.0.0.1]:${port}/c`,
      `http://10.0.0.1:${port}/d`,
      `http://169.254.169.254/latest/meta-data`,
      `http://localhost:${port}/e`,
    ]) {
      const res = await env.s.gql(CreateWebhookDocument, { input: { name: 'x', url, events: ['ACTIVITY_SENT'], domainId: toGlobalId('Domain', w.domainA.id) } }, w.adminToken);
      expect(res.errors?.[0]?.extensions, url).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
      expect(JSON.stringify(res)).not.toMatch(/127\.0\.0\.1[^:]|::1\b.*resolv/);
    }
    const listed = ok(await env.s.gql(`{ webhooks { totalCount } }`, {}, w.adminToken)) as { webhooks: { totalCount: number } };
    expect(listed.webhooks.totalCount).toBe(0);
    expect(env.rx.received).toEqual([]);
  });

  it('checks the address actually connected to: a webhook whose name now resolves to loopback is refused at delivery', async () => {
    const w = await webhookWorld(env.s);
    const em = systemEm(env.s.app.orm);
    // As if its name had resolved to a public address when it was saved and points at loopback now.
    const hook = em.create(Webhook, {
      account: w.accountId,
      domain: w.domainA.id,
      name: 'Rebound',
      url: env.rx.url('/rebound').replace('127.0.0.1', 'localhost'),
      events: ['ACTIVITY_SENT'],
      secretEncrypted: encrypt(env.s.app.config.secret, generateWebhookSecret()),
    });
    const literal = em.create(Webhook, {
      account: w.accountId,
      domain: w.domainA.id,
      name: 'Literal',
      url: env.rx.url('/literal'),
      events: ['ACTIVITY_SENT'],
      secretEncrypted: encrypt(env.s.app.config.secret, generateWebhookSecret()),
    });
    await em.flush();
    const m = await insertMessage(env.s, { accountId: w.accountId, domainUuid: w.domainA.id });
    await recordEvents(env.s, m, [ActivityEventType.SENT]);
    await env.s.app.consumers!.drain();
    for (const h of [hook, literal]) {
      await expect
        .poll(async () => ok(await env.s.gql(WebhookDocument, { id: toGlobalId('Webhook', h.id) }, w.adminToken)).webhook!.deliveries.edges[0]?.node, { timeout: 10_000 })
        .toMatchObject({ status: 'FAILED', attempts: 1, responseStatus: null, error: 'The URL resolves to an address webhooks may not reach (loopback, private, link-local or reserved)' });
    }
    expect(env.rx.received).toEqual([]);
  });
});
