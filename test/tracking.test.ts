import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { sign } from '../src/lib/crypto';
import { ActivityEvent } from '../src/modules/activity/activity-event.entity';
import { fromGlobalId } from '../src/graphql/global-id';
import { unsubscribeToken } from '../src/modules/sending/links';
import type { Message } from '../src/modules/sending/message.entity';
import { applyTracking } from '../src/modules/tracking/apply-tracking';
import { recordEngagement } from '../src/modules/tracking/tracking.service';
import { insertMessage } from './support/activity-fixture';
import { buildTenant, insertDomain } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  // Links are served on the platform's host (PUBLIC_URL's); the tests reach the server as 127.0.0.1.
  s = await startTestServer({ publicUrl: 'http://127.0.0.1' });
});
afterAll(() => s?.stop());

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

async function newMessage(): Promise<Message> {
  const { accountId, adminToken } = await s.newAccount();
  const tenantUuid = fromGlobalId(await buildTenant(s, adminToken), 'Tenant', 'id');
  const domain = await insertDomain(s, { accountId, tenantUuid });
  return insertMessage(s, { accountId, domainUuid: domain.id, tenantUuid, tags: ['promo'] });
}

/** The pixel and click URLs of a tracked body whose links point at `links`. */
function trackedUrls(m: Message, links: string[]): { pixel: string; clicks: string[] } {
  const html = `<html><body>${links.map((l) => `<a href="${l}">x</a>`).join('')}</body></html>`;
  const out = applyTracking(html, { messageId: m.id, baseUrl: s.url, config: s.app.config });
  return { pixel: /<img src="([^"]+)"/.exec(out)![1], clicks: [...out.matchAll(/<a href="([^"]+)"/g)].map((x) => x[1].replace(/&amp;/g, '&')) };
}

async function types(m: Message): Promise<string[]> {
  const rows = await systemEm(s.app.orm).find(ActivityEvent, { message: m.id }, { orderBy: { id: 'asc' } });
  return rows.map((r) => r.type);
}

async function eventsOf(m: Message, type: string): Promise<ActivityEvent[]> {
  return systemEm(s.app.orm).find(ActivityEvent, { message: m.id, type: type as ActivityEvent['type'] }, { orderBy: { id: 'asc' } });
}

describe('open pixel', () => {
  it('serves an uncached 1×1 GIF and records OPENED every time, OPENED_UNIQUE once, with client details', async () => {
    const m = await newMessage();
    const { pixel } = trackedUrls(m, []);
    expect(pixel.startsWith(`${s.url}/t/o/`)).toBe(true);
    for (const ua of [IPHONE, CHROME]) {
      const res = await fetch(pixel, { headers: { 'user-agent': ua } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('cache-control')).toContain('no-store');
      const gif = Buffer.from(await res.arrayBuffer());
      expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
      expect(gif.readUInt16LE(6)).toBe(1);
    }
    expect(await types(m)).toEqual(['OPENED', 'OPENED_UNIQUE', 'OPENED']);
    const [first] = await eventsOf(m, 'OPENED');
    expect(first).toMatchObject({ tenantId: m.tenant!.id, domainId: m.domain.id, recipient: m.recipient, tags: ['promo'] });
    expect(first.data).toMatchObject({ ip: '127.0.0.1', country: null, userAgent: IPHONE, client: 'Apple Mail', os: 'iOS', deviceType: 'mobile', environment: 'mobile' });
  });

  it('records OPENED_UNIQUE once under concurrent opens', async () => {
    const m = await newMessage();
    const { pixel } = trackedUrls(m, []);
    const statuses = await Promise.all(Array.from({ length: 10 }, () => fetch(pixel).then((r) => r.status)));
    expect(statuses).toEqual(Array(10).fill(200));
    expect(await eventsOf(m, 'OPENED')).toHaveLength(10);
    expect(await eventsOf(m, 'OPENED_UNIQUE')).toHaveLength(1);
  });

  it('records each first-time event once when many writers race (the message row lock serialises them)', async () => {
    const m = await newMessage();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => recordEngagement(s.app.orm, m.id, i % 2 ? 'open' : 'click', {}, new Date())));
    expect(results.filter((r) => r.first)).toHaveLength(2);
    expect(await eventsOf(m, 'OPENED_UNIQUE')).toHaveLength(1);
    expect(await eventsOf(m, 'CLICKED_UNIQUE')).toHaveLength(1);
    expect(await eventsOf(m, 'OPENED')).toHaveLength(10);
  });

  it('answers 404 to a forged or altered pixel token and records nothing', async () => {
    const m = await newMessage();
    const { pixel } = trackedUrls(m, []);
    const token = /\/t\/o\/(.+)\.gif$/.exec(pixel)![1];
    const [payload, sig] = token.split('.');
    expect((await fetch(`${s.url}/t/o/${payload}.${sig.slice(1)}x.gif`)).status).toBe(404);
    expect((await fetch(`${s.url}/t/o/${payload}.gif`)).status).toBe(404);
    expect(await types(m)).toEqual([]);
  });
});

describe('click redirect', () => {
  it('redirects (302) to the signed URL and records CLICKED every time, CLICKED_UNIQUE once, with the URL', async () => {
    const m = await newMessage();
    const { clicks } = trackedUrls(m, ['https://shop.example/p?a=1&b=2', 'https://blog.example/post']);
    for (const [i, url] of [clicks[0], clicks[1], clicks[0]].entries()) {
      const res = await fetch(url, { redirect: 'manual', headers: { 'user-agent': CHROME } });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(i === 1 ? 'https://blog.example/post' : 'https://shop.example/p?a=1&b=2');
      expect(res.headers.get('cache-control')).toContain('no-store');
    }
    expect(await types(m)).toEqual(['CLICKED', 'CLICKED_UNIQUE', 'CLICKED', 'CLICKED']);
    const unique = await eventsOf(m, 'CLICKED_UNIQUE');
    expect(unique[0].data).toMatchObject({ url: 'https://shop.example/p?a=1&b=2', ip: '127.0.0.1', client: 'Chrome', environment: 'webmail' });
    expect((await eventsOf(m, 'CLICKED'))[1].data.url).toBe('https://blog.example/post');
  });

  it('answers 404, not a redirect, to a token whose URL or signature was changed (no open redirect)', async () => {
    const m = await newMessage();
    const { clicks } = trackedUrls(m, ['https://shop.example/']);
    const [payload, sig] = clicks[0].slice(`${s.url}/t/c/`.length).split('.');
    const evil = Buffer.from(JSON.stringify({ m: m.id, k: 'click', u: 'https://evil.example/' })).toString('base64url');
    for (const token of [`${evil}.${sig}`, `${payload}.${sig.slice(0, -2)}`, payload, `${evil}.${sign(Buffer.from('guessed-secret-guessed-secret'), 'tracking', evil)}`]) {
      const res = await fetch(`${s.url}/t/c/${token}`, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
    // An open token is not a click token.
    const { pixel } = trackedUrls(m, []);
    expect((await fetch(`${s.url}/t/c/${/\/t\/o\/(.+)\.gif$/.exec(pixel)![1]}`, { redirect: 'manual' })).status).toBe(404);
    expect(await types(m)).toEqual([]);
  });
});

describe('unsubscribe', () => {
  it('shows a page with a button on GET and changes nothing', async () => {
    const m = await newMessage();
    const res = await fetch(`${s.url}/u/${unsubscribeToken(s.app.config.secret, m.id)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<form method="post"');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(html).toContain(m.recipient);
    expect(await types(m)).toEqual([]);
  });

  it('records UNSUBSCRIBED once for RFC 8058 one-click POSTs (urlencoded or multipart) and the page button', async () => {
    const m = await newMessage();
    const url = `${s.url}/u/${unsubscribeToken(s.app.config.secret, m.id)}`;
    const oneClick = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('unsubscribed');
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    expect((await fetch(url, { method: 'POST', body: form })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click', via: 'page' }) })).status).toBe(200);
    const rows = await eventsOf(m, 'UNSUBSCRIBED');
    expect(rows).toHaveLength(1);
    expect(rows[0].data).toMatchObject({ via: 'one-click', ip: '127.0.0.1' });
    expect(rows[0]).toMatchObject({ tenantId: m.tenant!.id, domainId: m.domain.id });
  });

  it('refuses forged tokens (404) and posts that are not one-click (400), recording nothing', async () => {
    const m = await newMessage();
    const token = unsubscribeToken(s.app.config.secret, m.id);
    const forged = `${m.id}.${sign(s.app.config.secret, 'tracking', m.id)}`;
    const body = 'List-Unsubscribe=One-Click';
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await fetch(`${s.url}/u/${forged}`)).status).toBe(404);
    expect((await fetch(`${s.url}/u/${forged}`, { method: 'POST', headers, body })).status).toBe(404);
    expect((await fetch(`${s.url}/u/${token.slice(0, -3)}`, { method: 'POST', headers, body })).status).toBe(404);
    expect((await fetch(`${s.url}/u/${token}`, { method: 'POST', headers, body: 'List-Unsubscribe=Yes' })).status).toBe(400);
    expect((await fetch(`${s.url}/u/${token}`, { method: 'POST' })).status).toBe(400);
    expect(await types(m)).toEqual([]);
  });
});
