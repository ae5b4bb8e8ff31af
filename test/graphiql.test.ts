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

/** Counts the schema (introspection) requests a page sends, with the Authorization header each carried. */
function countIntrospections(page: Page): { auth: (string | undefined)[] } {
  const seen = { auth: [] as (string | undefined)[] };
  page.on('request', (req) => {
    if (req.method() === 'POST' && (req.postData() ?? '').includes('IntrospectionQuery')) seen.auth.push(req.headers()['authorization']);
  });
  return seen;
}

/** The text of the CodeMirror editor under `selector`. */
function editorText(page: Page, selector: string): Promise<string> {
  return page.evaluate((sel) => {
    type El = { CodeMirror?: { getValue(): string } };
    const doc = (globalThis as unknown as { document: { querySelector(s: string): El | null } }).document;
    return doc.querySelector(sel)?.CodeMirror?.getValue() ?? '';
  }, selector);
}

describe.skipIf(!haveChromium)('GraphiQL first load', () => {
  it('opens on a Mailroom example, loads the schema without a token, and again without headers when they change', async () => {
    const page = await browser.newPage();
    const schema = countIntrospections(page);
    await page.goto(`${s.url}/graphql`);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
    const query = await editorText(page, '.graphiql-query-editor .CodeMirror');
    expect(query).toContain('viewer');
    expect(query).toContain('tenants');
    await expect.poll(() => schema.auth.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    // The default headers are valid JSON naming the header, and the schema was fetched without them.
    const editors = await page.evaluate(() => {
      type CM = { CodeMirror?: { getValue(): string } };
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): CM[] } }).document;
      return [...doc.querySelectorAll('.CodeMirror')].map((e) => e.CodeMirror?.getValue() ?? '');
    });
    expect(editors.map((e) => e.replace(/\s+/g, ''))).toContain('{"Authorization":""}');
    expect(schema.auth.every((a) => a === undefined)).toBe(true);
    const before = schema.auth.length;
    await page.evaluate(() => {
      type CM = { CodeMirror?: { getValue(): string; setValue(v: string): void } };
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): CM[] } }).document;
      const editors = [...doc.querySelectorAll('.CodeMirror')];
      const headers = editors.find((e) => (e.CodeMirror?.getValue() ?? '').trimStart().startsWith('{') && (e.CodeMirror?.getValue() ?? '').includes('Authorization'));
      headers!.CodeMirror!.setValue('{ "Authorization": "Bearer mr_live_a_stale_token_that_is_wrong_0000" }');
    });
    await expect.poll(() => schema.auth.length, { timeout: 15_000 }).toBeGreaterThan(before);
    expect(schema.auth.every((a) => a === undefined)).toBe(true);
    // The schema loaded: the docs explorer lists the root types.
    await page.click('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]');
    await expect.poll(() => page.textContent('.graphiql-doc-explorer').catch(() => ''), { timeout: 10_000 }).toContain('Query');
    await page.close();
  });
});

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
    // A comment before the operation: still told apart as a subscription and sent over graphql-ws.
    const page = await openGraphiql('# Watch the domain verify\nsubscription { domainStatusChanged { name status } }', adminToken);
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
