import { randomBytes } from 'node:crypto';
import { systemEm } from '../../src/context';
import { ActivityEventType } from '../../src/events/event-type';
import type { EventRow } from '../../src/events/event-row';
import { insertEvents } from '../../src/events/events.queries';
import { messageEvent } from '../../src/modules/sending/message-event';
import { Message } from '../../src/modules/sending/message.entity';
import type { TestServer } from './harness';

/** Inserts a message row straight into the database (the sending API is tested on its own). */
export async function insertMessage(
  s: TestServer,
  opts: { accountId: string; domainUuid: string; tenantUuid?: string | null; identityUuid?: string | null; recipient?: string; tags?: string[]; html?: string },
): Promise<Message> {
  const em = systemEm(s.app.orm);
  const m = em.create(Message, {
    account: opts.accountId,
    domain: opts.domainUuid,
    tenant: opts.tenantUuid ?? null,
    senderIdentity: opts.identityUuid ?? null,
    fromEmail: 'sender@example.com',
    recipient: opts.recipient ?? `r${randomBytes(4).toString('hex')}@example.net`,
    subject: 'Hello',
    html: opts.html ?? '<p>secret body</p>',
    text: 'secret body',
    tags: opts.tags ?? [],
    verpToken: randomBytes(12).toString('hex'),
  });
  await em.flush();
  return m;
}

/** Records events for a message through the real writer (one transaction, one NOTIFY). */
export async function recordEvents(s: TestServer, m: Message, types: ActivityEventType[], data: Record<string, unknown> = {}): Promise<EventRow[]> {
  const em = systemEm(s.app.orm);
  return insertEvents(
    em,
    types.map((type) => messageEvent(m, type, data)),
  );
}

export { ActivityEventType };
