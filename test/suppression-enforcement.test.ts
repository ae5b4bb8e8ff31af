import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/auth/permissions';
import { systemEm } from '../src/context';
import { toGlobalId } from '../src/graphql/global-id';
import { Message } from '../src/modules/sending/message.entity';
import { unsubscribeToken } from '../src/modules/sending/links';
import { ActivityEventType, recordEvents } from './support/activity-fixture';
import { buildTenant, insertApiToken, insertDomain } from './support/factories';
import { ok } from './support/harness';
import { BulkEmailStatusDocument, RecordDeliveryEventsDocument, SendBulkEmailDocument, SendEmailDocument } from './generated/graphql';
import { INBOX_DOMAIN, inbox, insertIdentity, mail, publishDkim, type SendingEnv, startSendingEnv, tenantWithDomain, uuidOf, waitForStatus } from './support/sending-fixtures';

let env: SendingEnv;
beforeAll(async () => {
  // Links are served on PUBLIC_URL's host (any port): the test reaches the server as 127.0.0.1.
  env = await startSendingEnv({ publicUrl: 'http://127.0.0.1' });
});
afterAll(() => env?.stop());

const ADD = 'mutation($input: AddSuppressionsInput!) { addSuppressions(input: $input) { suppressions { id list } } }';
const EVENTS = 'query($id: ID!) { message(id: $id) { status events { type } } }';

/** A client with two sending domains of its own: A (where things happen) and B (which must not be affected). */
async function client() {
  const t = await tenantWithDomain(env);
  const other = await insertDomain(env.s, { accountId: t.accountId, tenantUuid: t.tenantUuid });
  publishDkim(env, t.domain);
  publishDkim(env, other);
  const { secret: manager } = await insertApiToken(env.s, {
    accountId: t.accountId,
    tenantUuid: t.tenantUuid,
    permissions: [Permission.EMAIL_SEND, Permission.ACTIVITY_READ, Permission.SUPPRESSIONS_MANAGE, Permission.SUPPRESSIONS_READ, Permission.DOMAINS_READ, Permission.DOMAINS_MANAGE],
  });
  const send = async (domain: { name: string }, to: string) => ok(await env.s.gql(SendEmailDocument, { input: mail(`news@${domain.name}`, to) }, t.token)).sendEmail.messages[0];
  return { ...t, other, manager, send };
}

async function drain(): Promise<void> {
  await env.s.app.consumers!.drain();
}

describe('suppressed recipients are never sent to', () => {
  it('an unsubscribe, a complaint and a hard bounce on domain A stop the next send to that address on A, and not on B', async () => {
    const c = await client();
    const [unsub, complained, bounced] = [inbox('unsub'), inbox('complaint'), inbox('bounce')];
    const first = await Promise.all([unsub, complained, bounced].map((to) => c.send(c.domain, to)));
    for (const m of first) await waitForStatus(env, c.token, m.id, ['DELIVERED']);

    // Unsubscribe through the real one-click link; a complaint as an inbound ARF would record it; a hard bounce reported over the API.
    const oneClick = await fetch(`${env.s.url}/u/${unsubscribeToken(env.s.app.config.secret, uuidOf(first[0].id))}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const complaint = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: uuidOf(first[1].id) });
    await recordEvents(env.s, complaint, [ActivityEventType.SPAM_COMPLAINT], { source: 'arf' });
    ok(
      await env.s.gql(
        RecordDeliveryEventsDocument,
        { input: { events: [{ eventId: 'b-1', messageId: first[2].id, type: 'HARD_BOUNCED', occurredAt: new Date().toISOString(), smtpResponse: '550 5.1.1 No such user' }] } },
        c.token,
      ),
    );
    await drain();

    const before = env.sink.messages.length;
    for (const [to, list] of [
      [unsub, 'UNSUBSCRIBE'],
      [complained, 'SPAM_COMPLAINT'],
      [bounced, 'HARD_BOUNCE'],
    ] as const) {
      const again = await c.send(c.domain, to);
      expect(again.status).toBe('SUPPRESSED');
      const m = ok(await env.s.gql(EVENTS, { id: again.id }, c.token)) as { message: { status: string; events: { type: string }[] } };
      expect(m.message).toEqual({ status: 'SUPPRESSED', events: [{ type: 'SUPPRESSED' }] });
      const [event] = await systemEm(env.s.app.orm)
        .getConnection()
        .execute<{ data: { list: string } }[]>('select data from activity_events where message_id = ?', [uuidOf(again.id)]);
      expect(event.data.list).toBe(list);
      // Domain B of the same client is not affected: its lists are its own.
      const onB = await c.send(c.other, to);
      expect(onB.status).toBe('QUEUED');
      await waitForStatus(env, c.token, onB.id, ['DELIVERED']);
    }
    // Exactly the three sends on B reached the sink; none of the suppressed ones did.
    await new Promise((r) => setTimeout(r, 500));
    expect(env.sink.messages.length - before).toBe(3);
    for (const m of env.sink.messages.slice(before)) expect(m.raw).toContain(`@${c.other.name}`);

    // The unsubscribe page now says so instead of offering the button again.
    const page = await (await fetch(`${env.s.url}/u/${unsubscribeToken(env.s.app.config.secret, uuidOf(first[0].id))}`)).text();
    expect(page).toContain('already unsubscribed');
    expect(page).not.toContain('<button');
  });

  it('a recipient that soft-bounced the tenant’s threshold is ON_HOLD: its next send on that domain is suppressed', async () => {
    const c = await client();
    const to = inbox('soft');
    ok(
      await env.s.gql(
        'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { id } } }',
        { input: { id: c.tenantId, onHoldPolicy: { softBounceThreshold: 2, windowDays: 7, holdHours: 24 } } },
        c.adminToken,
      ),
    );
    const sent = await Promise.all([1, 2].map(() => c.send(c.domain, to)));
    for (const m of sent) await waitForStatus(env, c.token, m.id, ['DELIVERED']);
    const at = new Date().toISOString();
    ok(
      await env.s.gql(
        RecordDeliveryEventsDocument,
        { input: { events: sent.map((m, i) => ({ eventId: `s-${i}`, messageId: m.id, type: 'SOFT_BOUNCED' as const, occurredAt: at, smtpResponse: '452 4.2.2 Mailbox full' })) } },
        c.token,
      ),
    );
    await drain();
    expect((await c.send(c.domain, to)).status).toBe('SUPPRESSED');
    expect((await c.send(c.other, to)).status).toBe('QUEUED');
  });

  it('a blocklist pattern stops matching sends, and a bulk send reports how many it suppressed', async () => {
    const c = await client();
    ok(await env.s.gql(ADD, { input: { list: 'BLOCKLIST', domainId: toGlobalId('Domain', c.domain.id), patterns: ['*+test@*', '@blocked.example.test'] } }, c.manager));
    expect((await c.send(c.domain, 'anyone@blocked.example.test')).status).toBe('SUPPRESSED');
    expect((await c.send(c.domain, `me+test@${INBOX_DOMAIN}`)).status).toBe('SUPPRESSED');
    expect((await c.send(c.domain, `me+tests@${INBOX_DOMAIN}`)).status).toBe('QUEUED');
    expect((await c.send(c.other, 'anyone@blocked.example.test')).status).toBe('QUEUED');

    const requests = [
      mail(`news@${c.domain.name}`, inbox('fine')),
      mail(`news@${c.domain.name}`, 'x@blocked.example.test'),
      mail(`news@${c.domain.name}`, `a+test@${INBOX_DOMAIN}`),
      // A request with its own idempotency key is written on its own: its suppressed message counts too.
      mail(`news@${c.domain.name}`, 'keyed@blocked.example.test', { idempotencyKey: `bulk-${c.tenantUuid}` }),
    ];
    const bulk = ok(await env.s.gql(SendBulkEmailDocument, { input: { requests } }, c.token)).sendBulkEmail.bulkEmail;
    let status = bulk;
    for (let i = 0; i < 200 && status.status !== 'COMPLETED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = ok(await env.s.gql(BulkEmailStatusDocument, { id: bulk.id }, c.token)).bulkEmailStatus;
    }
    expect(status).toMatchObject({ status: 'COMPLETED', processed: 4, messagesQueued: 4, messagesSuppressed: 3, failed: 0 });
  });

  it('on a shared agency domain, one identity client’s unsubscribe stops only that client’s mail to the address', async () => {
    const { accountId, adminToken } = await env.s.newAccount();
    const agency = await insertDomain(env.s, { accountId, tenantUuid: null });
    publishDkim(env, agency);
    const clients = await Promise.all(
      ['X', 'Y'].map(async (name) => {
        const tenantUuid = uuidOf(await buildTenant(env.s, adminToken, `Client ${name}`), 'Tenant');
        const identity = await insertIdentity(env, { accountId, tenantUuid, domain: agency, email: `${name.toLowerCase()}-${tenantUuid.slice(0, 8)}@${agency.name}` });
        const { secret } = await insertApiToken(env.s, { accountId, permissions: [Permission.EMAIL_SEND, Permission.ACTIVITY_READ], identityUuid: identity.id });
        return { identity, token: secret };
      }),
    );
    const [x, y] = clients;
    const to = inbox('shared');
    const send = async (c: (typeof clients)[number], recipient: string) => ok(await env.s.gql(SendEmailDocument, { input: mail(c.identity.email, recipient) }, c.token)).sendEmail.messages[0];
    const first = await send(x, to);
    const message = await systemEm(env.s.app.orm).findOneOrFail(Message, { id: uuidOf(first.id) });
    await recordEvents(env.s, message, [ActivityEventType.UNSUBSCRIBED], { via: 'one-click' });
    await drain();
    expect((await send(x, to)).status).toBe('SUPPRESSED');
    expect((await send(y, to)).status).toBe('QUEUED');
    // The agency's own mail on that domain is not held back by a client's unsubscribe either.
    const own = ok(await env.s.gql(SendEmailDocument, { input: mail(`news@${agency.name}`, to) }, adminToken)).sendEmail.messages[0];
    expect(own.status).toBe('QUEUED');
  });

  it('an address suppressed after its message was accepted is checked again before delivery and not sent', async () => {
    const c = await client();
    const to = inbox('later');
    const input = mail(`news@${c.domain.name}`, to, { sendAt: new Date(Date.now() + 2500).toISOString() });
    const [scheduled] = ok(await env.s.gql(SendEmailDocument, { input }, c.token)).sendEmail.messages;
    expect(scheduled.status).toBe('SCHEDULED');
    ok(await env.s.gql(ADD, { input: { list: 'UNSUBSCRIBE', domainId: toGlobalId('Domain', c.domain.id), recipients: [to] } }, c.manager));
    const done = await waitForStatus(env, c.token, scheduled.id, ['SUPPRESSED', 'DELIVERED', 'SENT']);
    expect(done.status).toBe('SUPPRESSED');
    expect(env.sink.messages.some((m) => m.rcptTo.includes(to))).toBe(false);
  });
});
