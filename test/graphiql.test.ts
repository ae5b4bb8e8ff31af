import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createDnsLookup } from '../src/deps';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { startTestServer, type TestServer } from './support/harness';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`GraphiQL browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

let s: TestServer;
let dns: TestDnsServer;
let browser: Browser;

beforeAll(async () => {
  if (!haveChromium) return;
  dns = await startDnsServer();
  s = await startTestServer({}, { deps: { dns: createDnsLookup([dns.address]) } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
  await dns?.close();
});

/** Opens GraphiQL with a query and headers already in its editors (GraphiQL restores them from localStorage). */
async function openGraphiql(query: string, token: string): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript(
    ([q, h]) => {
      const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage;
      storage.setItem('graphiql:query', q);
      storage.setItem('graphiql:headers', h);
    },
    [query, JSON.stringify({ Authorization: `Bearer ${token}` })],
  );
  await page.goto(`${s.url}/graphql`);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
  return page;
}

async function responseText(page: Page): Promise<string> {
  return page.evaluate(() => {
    type El = { CodeMirror?: { getValue(): string }; textContent: string | null };
    const doc = (globalThis as unknown as { document: { querySelector(sel: string): El | null } }).document;
    const cm = doc.querySelector('.graphiql-response .CodeMirror');
    return cm?.CodeMirror?.getValue() ?? doc.querySelector('.graphiql-response')?.textContent ?? '';
  });
}

describe.skipIf(!haveChromium)('GraphiQL in headless Chromium', () => {
  it('runs a query with the bearer token from the header editor', async () => {
    const { adminToken } = await s.newAccount('Browser Agency');
    const page = await openGraphiql('query { viewer { kind account { name } } }', adminToken);
    await page.click('.graphiql-execute-button');
    await expect.poll(() => responseText(page), { timeout: 15_000 }).toContain('Browser Agency');
    expect(await responseText(page)).toContain('API_TOKEN');
    await page.close();
  });

  it('runs a subscription over graphql-ws on the same path and sees events', async () => {
    const { adminToken } = await s.newAccount('Subscriber Agency');
    const name = `browser-${Date.now()}.example.com`;
    const added = await s.gql<any, any>(`mutation($i: AddDomainInput!) { addDomain(input: $i) { domain { id dnsRecords { hostname type value } } } }`, { i: { name } }, adminToken);
    const domain = added.data.addDomain.domain;
    for (const r of domain.dnsRecords) dns.set(r.hostname, [{ type: r.type, value: r.value }]);
    const page = await openGraphiql('subscription { domainStatusChanged { name status } }', adminToken);
    await page.click('.graphiql-execute-button');
    // The subscription is live once GraphiQL shows the stop button; then the domain verifies.
    await page.waitForTimeout(1500);
    const verified = await s.gql<any, any>(`mutation($i: VerifyDomainInput!) { verifyDomain(input: $i) { domain { status } } }`, { i: { domainId: domain.id } }, adminToken);
    expect(verified.data.verifyDomain.domain.status).toBe('VERIFIED');
    await expect.poll(() => responseText(page), { timeout: 15_000 }).toContain(name);
    expect(await responseText(page)).toContain('VERIFIED');
    await page.close();
  });
});
