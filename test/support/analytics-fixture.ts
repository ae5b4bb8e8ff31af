import { messageEvent } from '../../src/modules/sending/message-event';
import { randomBytes } from 'node:crypto';
import { systemEm } from '../../src/context';
import type { EventRow, NewEvent } from '../../src/events/event-row';
import { ActivityEventType as T } from '../../src/events/event-type';
import { insertEvents } from '../../src/events/events.queries';
import { SenderIdentity, SenderIdentityStatus } from '../../src/modules/identities/sender-identity.entity';
import { Message } from '../../src/modules/sending/message.entity';
import { Template } from '../../src/modules/templates/template.entity';
import { Tenant } from '../../src/modules/tenants/tenant.entity';
import { insertDomain, unique } from './factories';
import type { TestServer } from './harness';

/** A client of an account as the analytics tests need it: a tenant, its domain, its identity on the agency domain, a template. */
export interface AnalyticsClient {
  tenantId: string;
  domainId: string;
  identityId: string;
  templateId: string;
  agencyDomainId: string;
}

/** Creates a tenant with its own domain, an identity on `agencyDomainId` and a template. */
export async function insertClient(s: TestServer, accountId: string, agencyDomainId: string, label: string): Promise<AnalyticsClient> {
  const em = systemEm(s.app.orm);
  const tenant = em.create(Tenant, { account: accountId, name: `Tenant ${label}`, tag: unique(label.toLowerCase()) });
  await em.flush();
  const domain = await insertDomain(s, { accountId, tenantUuid: tenant.id });
  const identity = em.create(SenderIdentity, {
    account: accountId,
    tenant: tenant.id,
    domain: agencyDomainId,
    email: `${unique(label.toLowerCase())}@agency.example`,
    name: label,
    status: SenderIdentityStatus.CONFIRMED,
    confirmedAt: new Date(),
  });
  const template = em.create(Template, { account: accountId, domain: domain.id, tenant: tenant.id, name: `Template ${label}`, subject: 'S', html: '<p>x</p>', tags: [] });
  await em.flush();
  return { tenantId: tenant.id, domainId: domain.id, identityId: identity.id, templateId: template.id, agencyDomainId };
}

/** Inserts a message row straight into the database. */
export async function insertAnalyticsMessage(
  s: TestServer,
  o: { accountId: string; domainId: string; tenantId: string | null; identityId: string | null; templateId: string | null; tags: string[] },
): Promise<Message> {
  const em = systemEm(s.app.orm);
  const m = em.create(Message, {
    account: o.accountId,
    domain: o.domainId,
    tenant: o.tenantId,
    senderIdentity: o.identityId,
    templateId: o.templateId,
    fromEmail: 'sender@example.com',
    recipient: `r${randomBytes(4).toString('hex')}@example.net`,
    subject: 'Hello',
    html: '<p>x</p>',
    text: 'x',
    tags: o.tags,
    verpToken: randomBytes(12).toString('hex'),
  });
  await em.flush();
  return m;
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const READERS = [
  { country: 'DE', client: 'Gmail', environment: 'webmail' },
  { country: 'US', client: 'Apple Mail', environment: 'mobile' },
  { country: 'FR', client: 'Outlook', environment: 'desktop' },
  { country: null, client: null, environment: 'unknown' },
];

/**
 * The life of one message as events at `at`: QUEUED, SENT, then DELIVERED (with opens and clicks, the
 * first of each also marked unique, an unsubscribe or complaint now and then), DEFERRED + SOFT_BOUNCED,
 * HARD_BOUNCED or SUPPRESSED; engagement events carry a reader (country, client, environment).
 */
export function messageLife(m: Message, at: Date, rnd: () => number): NewEvent[] {
  const ev = (type: T, minutes: number, data: Record<string, unknown> = {}): NewEvent => messageEvent(m, type, data, new Date(at.getTime() + minutes * 60_000));
  const fate = rnd();
  if (fate < 0.05) return [ev(T.SUPPRESSED, 0)];
  const out = [ev(T.QUEUED, 0), ev(T.SENT, 1)];
  if (fate < 0.1) return [...out, ev(T.HARD_BOUNCED, 2)];
  if (fate < 0.15) return [...out, ev(T.DEFERRED, 2), ev(T.SOFT_BOUNCED, 30)];
  out.push(ev(T.DELIVERED, 2));
  const opens = Math.floor(rnd() * 4);
  for (let i = 0; i < opens; i++) {
    const reader = READERS[Math.floor(rnd() * READERS.length)];
    const minute = 5 + Math.floor(rnd() * 600);
    out.push(ev(T.OPENED, minute, reader));
    if (i === 0) out.push(ev(T.OPENED_UNIQUE, minute, reader));
    if (rnd() < 0.5) {
      out.push(ev(T.CLICKED, minute + 1, { ...reader, url: 'https://example.com/' }));
      if (!out.some((e) => e.type === T.CLICKED_UNIQUE)) out.push(ev(T.CLICKED_UNIQUE, minute + 1, { ...reader, url: 'https://example.com/' }));
    }
  }
  if (opens && rnd() < 0.1) out.push(ev(T.UNSUBSCRIBED, 700));
  if (rnd() < 0.03) out.push(ev(T.SPAM_COMPLAINT, 800));
  return out;
}

/** Records events through the one writer, in chunks; returns them as stored. */
export async function recordAll(s: TestServer, events: NewEvent[]): Promise<EventRow[]> {
  const out: EventRow[] = [];
  for (let i = 0; i < events.length; i += 2000) out.push(...(await insertEvents(systemEm(s.app.orm), events.slice(i, i + 2000))));
  return out;
}

/** The range the seeded mail falls in (Europe/Berlin and America/New_York change clocks inside it). */
export const ANALYTICS_FROM = '2026-10-23T00:00:00.000Z';
export const ANALYTICS_TO = '2026-11-04T00:00:00.000Z';
export const ANALYTICS_TAGS = ['news', 'promo', 'say "hi", {x} \\ NULL', 'vip'];

/** What seedAnalytics made. */
export interface SeededAnalytics {
  A: { accountId: string; adminToken: string };
  B: { accountId: string; adminToken: string };
  c1: AnalyticsClient;
  c2: AnalyticsClient;
  cb: AnalyticsClient;
  events: EventRow[];
  templateOf: Map<string, string | null>;
}

/**
 * Accounts A (agency domain, clients c1 and c2, some agency mail) and B (client cb), messages with tags
 * and templates through tenant domains and sender identities, their events spread over the range, and
 * the consumers caught up (the server must run its worker).
 */
export async function seedAnalytics(s: TestServer): Promise<SeededAnalytics> {
  const templateOf = new Map<string, string | null>();
  const A = await s.newAccount('Analytics A');
  const B = await s.newAccount('Analytics B');
  const agencyA = await insertDomain(s, { accountId: A.accountId, tenantUuid: null });
  const agencyB = await insertDomain(s, { accountId: B.accountId, tenantUuid: null });
  const c1 = await insertClient(s, A.accountId, agencyA.id, 'One');
  const c2 = await insertClient(s, A.accountId, agencyA.id, 'Two');
  const cb = await insertClient(s, B.accountId, agencyB.id, 'Bee');
  const rnd = prng(42);
  const all = [];
  const start = Date.parse(ANALYTICS_FROM) - 6 * 3600_000;
  const span = Date.parse('2026-11-03T10:00:00Z') - start;
  for (const [accountId, client, n] of [
    [A.accountId, c1, 90],
    [A.accountId, c2, 60],
    [A.accountId, null, 20],
    [B.accountId, cb, 40],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const viaIdentity = client !== null && rnd() < 0.4;
      const tags = ANALYTICS_TAGS.filter(() => rnd() < 0.4);
      const templateId = client && rnd() < 0.6 ? client.templateId : null;
      const m = await insertAnalyticsMessage(s, {
        accountId,
        domainId: client === null ? agencyA.id : viaIdentity ? client.agencyDomainId : client.domainId,
        tenantId: client?.tenantId ?? null,
        identityId: viaIdentity ? client!.identityId : null,
        templateId,
        tags,
      });
      templateOf.set(m.id, templateId);
      all.push(...messageLife(m, new Date(start + Math.floor((rnd() * span) / 60_000) * 60_000), rnd));
    }
  }
  const events = await recordAll(s, all);
  await s.app.consumers!.drain();
  return { A, B, c1, c2, cb, events, templateOf };
}
