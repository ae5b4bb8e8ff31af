import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { ActivityEvent } from '../src/modules/activity/activity-event.entity';
import { Domain } from '../src/modules/domains/domain.entity';
import { toGlobalId } from '../src/graphql/global-id';
import { CreateSenderIdentityDocument, SendEmailDocument } from './generated/graphql';
import { insertDomain } from './support/factories';
import { ok } from './support/harness';
import { inbox, mail, type SendingEnv, startSendingEnv, tenantWithDomain, uuidOf, waitForStatus } from './support/sending-fixtures';

let env: SendingEnv;
beforeAll(async () => {
  // Links are served on the platform's host (PUBLIC_URL's); the tests reach the server as 127.0.0.1.
  env = await startSendingEnv({ publicUrl: 'http://127.0.0.1' });
});
afterAll(() => env?.stop());

describe('tracking in delivered mail', () => {
  it('with tracking on, the HTML carries a signed open pixel and click links that record OPENED and CLICKED', async () => {
    const t = await tenantWithDomain(env);
    const em = systemEm(env.s.app.orm);
    await em.nativeUpdate(Domain, { id: t.domain.id }, { trackingSubdomain: 'links' });
    const to = inbox();
    const html = '<html><body><p>Read <a href="https://shop.example.com/sale?x=1">the sale</a></p></body></html>';
    const sent = ok(await env.s.gql(SendEmailDocument, { input: mail(`news@${t.domain.name}`, to, { html }) }, t.token)).sendEmail.messages;
    const [got] = await env.sink.waitFor(to, 1);
    await waitForStatus(env, t.token, sent[0].id, ['DELIVERED']);
    const body = String((await simpleParser(got.raw)).html);
    // The tracking host is not verified in DNS here, so links use PUBLIC_URL.
    const base = env.s.app.config.publicUrl;
    const click = new RegExp(`href="${base}(/t/c/[^"]+)"`).exec(body)?.[1];
    const pixel = new RegExp(`src="${base}(/t/o/[^"]+\\.gif)"`).exec(body)?.[1];
    expect(click).toBeDefined();
    expect(pixel).toBeDefined();
    expect(body).not.toContain('href="https://shop.example.com/sale?x=1"');

    const redirect = await fetch(`${env.s.url}${click}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://shop.example.com/sale?x=1');
    expect((await fetch(`${env.s.url}${pixel}`)).status).toBe(200);
    const events = await em.fork().find(ActivityEvent, { message: uuidOf(sent[0].id) }, { orderBy: { id: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(['QUEUED', 'DELIVERED', 'CLICKED', 'CLICKED_UNIQUE', 'OPENED', 'OPENED_UNIQUE']);
  });

  it('with tracking off, the HTML is sent as written', async () => {
    const t = await tenantWithDomain(env);
    const to = inbox();
    const html = '<html><body><a href="https://shop.example.com/">shop</a></body></html>';
    const sent = ok(await env.s.gql(SendEmailDocument, { input: mail(`news@${t.domain.name}`, to, { html }) }, t.token)).sendEmail.messages;
    const [got] = await env.sink.waitFor(to, 1);
    await waitForStatus(env, t.token, sent[0].id, ['DELIVERED']);
    const body = String((await simpleParser(got.raw)).html);
    expect(body).toContain('href="https://shop.example.com/"');
    expect(body).not.toContain('/t/o/');
  });
});

describe('system mail in direct mode', () => {
  it('hands a sender confirmation to the recipient’s mail server like any other mail', async () => {
    const t = await tenantWithDomain(env);
    const agency = await insertDomain(env.s, { accountId: t.accountId, tenantUuid: null });
    const to = inbox('owner');
    const input = { domainId: toGlobalId('Domain', agency.id), tenantId: t.tenantId, email: to, name: 'Owner' };
    ok(await env.s.gql(CreateSenderIdentityDocument, { input }, t.adminToken));
    const [got] = await env.sink.waitFor(to, 1);
    expect(String((await simpleParser(got.raw)).text)).toContain('/confirm-sender?token=mr_link_');
  });
});
