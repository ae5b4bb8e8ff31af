import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsLookup } from '../../src/deps';
import { startDnsServer, type TestDnsServer } from './dns-server';

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
});
afterAll(() => dns?.close());

describe('the loopback DNS server used by tests', () => {
  it('answers TXT (long values split into strings, over TCP when truncated), CNAME and MX', async () => {
    const long = 'v=DKIM1; k=rsa; p=' + 'A'.repeat(600);
    dns.set('sel._domainkey.example.test', [{ type: 'TXT', value: long }]);
    dns.set('mr.example.test', [{ type: 'CNAME', value: 'bounces.mailroom.test' }]);
    dns.set('in.example.test', [{ type: 'MX', value: 'inbound.mailroom.test', priority: 10 }]);
    const r = createDnsLookup([dns.address]);
    expect((await r.resolveTxt('sel._domainkey.example.test')).map((s) => s.join(''))).toEqual([long]);
    expect(await r.resolveCname('mr.example.test')).toEqual(['bounces.mailroom.test']);
    expect(await r.resolveMx('in.example.test')).toEqual([{ exchange: 'inbound.mailroom.test', priority: 10 }]);
    await expect(r.resolveTxt('missing.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('answers PTR for reverse lookups', async () => {
    dns.set('1.100.51.198.in-addr.arpa', [{ type: 'PTR', value: 'mail.sender.example' }]);
    const r = createDnsLookup([dns.address]);
    expect(await r.reverse!('198.51.100.1')).toEqual(['mail.sender.example']);
  });
});
