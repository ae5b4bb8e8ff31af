import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { fromGlobalId } from '../src/graphql/global-id';
import { ActivityEvent } from '../src/modules/activity/activity-event.entity';
import type { Domain } from '../src/modules/domains/domain.entity';
import { MAX_INBOUND_BYTES } from '../src/modules/inbound/inbound-smtp';
import { Message } from '../src/modules/sending/message.entity';
import { ActivityEventType, insertMessage, recordEvents } from './support/activity-fixture';
import { buildTenant, insertDomain } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ inboundSmtpPort: 0 });
});
afterAll(() => s?.stop());

const FIXTURES = join(__dirname, '..', 'src', 'modules', 'inbound', 'fixtures');
const SAMPLE_VERP = 'bounce+Qm9ZbGx1c3RyYXRpb24x@mr.client.test';

async function newMessage(): Promise<{ message: Message; domain: Domain; verp: string }> {
  const { accountId, adminToken } = await s.newAccount();
  const tenantUuid = fromGlobalId(await buildTenant(s, adminToken), 'Tenant', 'id');
  const domain = await insertDomain(s, { accountId, tenantUuid });
  const message = await insertMessage(s, { accountId, domainUuid: domain.id, tenantUuid, tags: ['news'] });
  return { message, domain, verp: `bounce+${message.verpToken}@${domain.returnPathSubdomain}.${domain.name}` };
}

/** A sample report rewritten for one message: its VERP address and recipient. */
function sample(name: string, verp: string, recipient: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .replaceAll(SAMPLE_VERP, verp)
    .replace(/jane@example\.net/gi, recipient);
}

/** Sends raw mail over SMTP to the app's inbound listener on loopback, with a null sender like a real bounce. */
async function deliver(to: string[], raw: string, from = ''): Promise<{ accepted: string[]; rejected: string[] }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.app.inboundSmtpPort!, secure: false, ignoreTLS: true, name: 'mx1.example.net' });
  try {
    const info = await transport.sendMail({ envelope: { from, to }, raw });
    return { accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
  } finally {
    transport.close();
  }
}

/** Speaks SMTP line by line on a raw socket; returns the final line of each reply after the greeting. */
async function rawSmtp(commands: string[]): Promise<string[]> {
  const socket = connect(s.app.inboundSmtpPort!, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  const waiters: ((line: string) => void)[] = [];
  socket.on('data', (d) => {
    buffer += d.toString('utf8');
    let i: number;
    while ((i = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      if (/^\d{3} /.test(line)) waiters.shift()?.(line);
    }
  });
  const next = () => new Promise<string>((resolve) => waiters.push(resolve));
  await next();
  for (const command of commands) {
    const reply = next();
    socket.write(`${command}\r\n`);
    replies.push(await reply);
  }
  socket.destroy();
  return replies;
}

async function events(m: Message): Promise<ActivityEvent[]> {
  return systemEm(s.app.orm).find(ActivityEvent, { message: m.id }, { orderBy: { id: 'asc' } });
}

async function status(m: Message): Promise<string> {
  return (await systemEm(s.app.orm).findOneOrFail(Message, { id: m.id })).status;
}

describe('inbound SMTP: bounces and complaints', () => {
  it('listens on the port it reports', () => {
    expect(s.app.inboundSmtpPort).toBeGreaterThan(0);
  });

  it('records a hard bounce from a DSN sent to the message’s VERP address and marks the message', async () => {
    const { message, domain, verp } = await newMessage();
    const res = await deliver([verp], sample('postfix-user-unknown.eml', verp, message.recipient));
    expect(res.accepted).toEqual([verp]);
    const [event, ...rest] = await events(message);
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({ type: 'HARD_BOUNCED', tenantId: message.tenant!.id, domainId: domain.id, recipient: message.recipient, tags: ['news'] });
    expect(event.data).toMatchObject({ source: 'dsn', action: 'failed', status: '5.1.1', reportingMta: 'dns; mx1.example.net', remoteMta: 'dns; mail.example.net' });
    expect(String(event.data.diagnosticCode)).toContain('550 5.1.1');
    const stored = await systemEm(s.app.orm).findOneOrFail(Message, { id: message.id });
    expect(stored).toMatchObject({ status: 'HARD_BOUNCED' });
    expect(stored.lastResponse).toContain('User unknown');
  });

  it('stores what outside parties report even with a NUL byte in it (replaced: PostgreSQL cannot store U+0000)', async () => {
    const { message } = await newMessage();
    await recordEvents(s, message, [ActivityEventType.HARD_BOUNCED], { diagnosticCode: 'smtp; 550 User\u0000unknown' });
    const [event] = await events(message);
    expect(event.data.diagnosticCode).toBe('smtp; 550 User\uFFFDunknown');
  });

  it('records a delay notice as a soft bounce', async () => {
    const { message, verp } = await newMessage();
    await deliver([verp], sample('gmail-delayed.eml', verp, message.recipient));
    const rows = await events(message);
    expect(rows.map((e) => e.type)).toEqual(['SOFT_BOUNCED']);
    expect(rows[0].data).toMatchObject({ action: 'delayed', status: '4.2.2', reportingMta: 'dns; googlemail.com' });
    expect(await status(message)).toBe('SOFT_BOUNCED');
  });

  it('records an ARF report as a spam complaint without changing the status', async () => {
    const { message, verp } = await newMessage();
    await deliver([verp], sample('arf-abuse.eml', verp, message.recipient), 'fbl-bounces@fbl.example.com');
    const rows = await events(message);
    expect(rows.map((e) => e.type)).toEqual(['SPAM_COMPLAINT']);
    expect(rows[0].data).toMatchObject({ source: 'arf', feedbackType: 'abuse', userAgent: 'SomeGenerator/1.0', reportingMta: 'dns; mail.example.com', sourceIp: '192.0.2.1' });
    expect(await status(message)).toBe('QUEUED');
  });

  it('accepts and drops mail that is no report', async () => {
    const { message, verp } = await newMessage();
    expect((await deliver([verp], sample('out-of-office.eml', verp, message.recipient))).accepted).toEqual([verp]);
    expect(await events(message)).toHaveLength(0);
  });

  it('refuses every other recipient at RCPT with 550: unknown tokens, another domain’s host, relaying', async () => {
    const a = await newMessage();
    const b = await newMessage();
    const raw = sample('postfix-user-unknown.eml', a.verp, a.message.recipient);
    const wrongHost = `bounce+${a.message.verpToken}@${b.domain.returnPathSubdomain}.${b.domain.name}`;
    for (const to of ['bounce+AAAAAAAAAAAAAAAA@mr.client.test', wrongHost, 'someone@example.org', `postmaster@mr.${a.domain.name}`]) {
      const err = (await deliver([to], raw).catch((e: unknown) => e)) as { responseCode?: number; rejected?: string[] };
      expect(err.responseCode).toBe(550);
    }
    // With one good and one bad recipient, only the good one is accepted.
    const mixed = await deliver([a.verp, 'victim@example.org'], raw);
    expect(mixed).toEqual({ accepted: [a.verp], rejected: ['victim@example.org'] });
    expect((await events(a.message)).map((e) => e.type)).toEqual(['HARD_BOUNCED']);
    expect(await events(b.message)).toHaveLength(0);
  });

  it('refuses mail over the size limit with 552, whether the client declares SIZE or not, and records nothing', async () => {
    const { message, verp } = await newMessage();
    const big = sample('postfix-user-unknown.eml', verp, message.recipient).replace('This is a MIME-encapsulated message.', ('y'.repeat(76) + '\r\n').repeat(Math.ceil(MAX_INBOUND_BYTES / 78) + 10));
    // nodemailer declares SIZE=… in MAIL FROM, so the listener refuses before the data.
    const err = (await deliver([verp], big).catch((e: unknown) => e)) as { responseCode?: number };
    expect(err.responseCode).toBe(552);
    // A client that declares nothing sends it all and is refused at the end of DATA.
    const replies = await rawSmtp([`EHLO mx1.example.net`, 'MAIL FROM:<>', `RCPT TO:<${verp}>`, 'DATA', `${big.replace(/\r?\n/g, '\r\n')}\r\n.`, 'QUIT']);
    expect(replies.slice(2, 5).map((r) => r.slice(0, 3))).toEqual(['250', '354', '552']);
    expect(await events(message)).toHaveLength(0);
    // The listener still works afterwards.
    await deliver([verp], sample('postfix-expired.eml', verp, message.recipient));
    expect((await events(message)).map((e) => e.type)).toEqual(['SOFT_BOUNCED']);
  });
});
