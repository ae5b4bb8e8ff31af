import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { ActivityEvent } from '../src/modules/activity/activity-event.entity';
import { Domain } from '../src/modules/domains/domain.entity';
import type { Message } from '../src/modules/sending/message.entity';
import { unsubscribeToken } from '../src/modules/sending/links';
import { clickUrl, openPixelUrl } from '../src/modules/tracking/apply-tracking';
import { insertMessage } from './support/activity-fixture';
import { insertTwoTenants } from './support/factories';
import { startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ publicUrl: 'https://app.mailroom.test', mailDomain: 'mailroom.test' });
});
afterAll(() => s?.stop());

/** One HTTP request to the test server with an explicit Host header (fetch cannot set one). */
function hit(path: string, host: string, method: 'GET' | 'POST' = 'GET', body?: string): Promise<{ status: number; location: string | null; text: string }> {
  const { port } = new URL(s.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { host };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) });
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: (res.headers.location as string | undefined) ?? null, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Tenants A and B of one account, each with a branded tracking host, and a message of B. */
async function world() {
  const { accountId } = await s.newAccount();
  const { tB, dA, dB } = await insertTwoTenants(s, accountId);
  const em = systemEm(s.app.orm);
  await em.nativeUpdate(Domain, { id: dA.id }, { trackingSubdomain: 'track' });
  await em.nativeUpdate(Domain, { id: dB.id }, { trackingSubdomain: 'links' });
  const mB = await insertMessage(s, { accountId, domainUuid: dB.id, tenantUuid: tB.id });
  return { hostA: `track.${dA.name}`, hostB: `links.${dB.name}`, mB };
}

/** The paths of B's open pixel, click link and unsubscribe link, as B's mail carries them. */
function linksOf(w: Awaited<ReturnType<typeof world>>) {
  const opts = { messageId: w.mB.id, baseUrl: `https://${w.hostB}`, config: s.app.config };
  const path = (url: string) => new URL(url).pathname;
  return { pixel: path(openPixelUrl(opts)), click: path(clickUrl(opts, 'https://shop-b.example/sale')), unsubscribe: `/u/${unsubscribeToken(s.app.config.secret, w.mB.id)}` };
}

async function types(m: Message): Promise<string[]> {
  return (await systemEm(s.app.orm).find(ActivityEvent, { message: m.id }, { orderBy: { id: 'asc' } })).map((e) => e.type);
}

describe('tracking links are bound to their host', () => {
  it('refuses another client’s links on a client’s branded tracking host (404, no redirect, nothing recorded)', async () => {
    const w = await world();
    const l = linksOf(w);
    for (const host of [w.hostA, w.hostA.toUpperCase(), `${w.hostA}.`, `${w.hostA}:443`, 'evil.example', `x.${w.hostB}`]) {
      const click = await hit(l.click, host);
      expect(click.status, host).toBe(404);
      expect(click.location).toBeNull();
      expect((await hit(l.pixel, host)).status, host).toBe(404);
      const page = await hit(l.unsubscribe, host);
      expect(page.status, host).toBe(404);
      expect(page.text).not.toContain(w.mB.recipient);
      expect((await hit(l.unsubscribe, host, 'POST', 'List-Unsubscribe=One-Click')).status, host).toBe(404);
    }
    expect(await types(w.mB)).toEqual([]);
  });

  it('serves them on the message’s own tracking host and on the platform’s hosts', async () => {
    const w = await world();
    const l = linksOf(w);
    for (const host of [w.hostB, `${w.hostB.toUpperCase()}:443`, 'app.mailroom.test', 'app.mailroom.test:8443', 'track.mailroom.test']) {
      const click = await hit(l.click, host);
      expect(click.status, host).toBe(302);
      expect(click.location).toBe('https://shop-b.example/sale');
      expect((await hit(l.pixel, host)).status, host).toBe(200);
      const page = await hit(l.unsubscribe, host);
      expect(page.status, host).toBe(200);
      expect(page.text).toContain(w.mB.recipient);
    }
    expect((await hit(l.unsubscribe, w.hostB, 'POST', 'List-Unsubscribe=One-Click')).status).toBe(200);
    const recorded = await types(w.mB);
    expect(recorded.filter((t) => t === 'CLICKED')).toHaveLength(5);
    expect(recorded.filter((t) => t === 'OPENED')).toHaveLength(5);
    expect(recorded.filter((t) => t === 'UNSUBSCRIBED')).toHaveLength(1);
  });
});
