import { describe, expect, it } from 'vitest';
import type { DnsLookup } from '../../context';
import { dmarcWarnings, lookupDmarcPolicy, parseDmarc } from './dmarc';

function fakeDns(zone: Record<string, string[][]>): DnsLookup & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async resolveTxt(host) {
      asked.push(host);
      const r = zone[host];
      if (!r) throw Object.assign(new Error(`queryTxt ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return r;
    },
    resolveCname: async () => [],
    resolveMx: async () => [],
    resolve4: async () => [],
  };
}

describe('parseDmarc', () => {
  it('joins chunks, ignores other TXT records and reads p= and sp=', () => {
    expect(parseDmarc([['google-site-verification=abc'], ['v=DMARC1; p=re', 'ject; rua=mailto:d@example.com']])).toEqual({ p: 'reject', sp: 'reject' });
    expect(parseDmarc([['v=DMARC1;p=none;sp=quarantine']])).toEqual({ p: 'none', sp: 'quarantine' });
    expect(parseDmarc([[' V=dmarc1 ; P=Quarantine ']])).toEqual({ p: 'quarantine', sp: 'quarantine' });
  });

  it('returns null for no record, several records, a missing or unknown p=', () => {
    expect(parseDmarc([])).toBeNull();
    expect(parseDmarc([['v=spf1 -all']])).toBeNull();
    expect(parseDmarc([['v=DMARC1; p=reject'], ['v=DMARC1; p=none']])).toBeNull();
    expect(parseDmarc([['v=DMARC1; rua=mailto:x@example.com']])).toBeNull();
    expect(parseDmarc([['v=DMARC1; p=block']])).toBeNull();
    expect(parseDmarc([['v=DMARC10; p=reject']])).toBeNull();
  });
});

describe('lookupDmarcPolicy', () => {
  it("uses the domain's own record, else the organisational domain's sp=", async () => {
    const dns = fakeDns({ '_dmarc.client.test': [['v=DMARC1; p=reject; sp=none']], '_dmarc.strict.test': [['v=DMARC1; p=reject']] });
    expect(await lookupDmarcPolicy(dns, 'client.test')).toBe('reject');
    expect(await lookupDmarcPolicy(dns, 'news.client.test')).toBe('none');
    expect(await lookupDmarcPolicy(dns, 'news.strict.test')).toBe('reject');
    expect(dns.asked).toEqual(['_dmarc.client.test', '_dmarc.news.client.test', '_dmarc.client.test', '_dmarc.news.strict.test', '_dmarc.strict.test']);
  });

  it('gives null when nothing is published or the lookup fails', async () => {
    expect(await lookupDmarcPolicy(fakeDns({}), 'nothing.test')).toBeNull();
    const failing: DnsLookup = { resolveTxt: () => Promise.reject(new Error('ETIMEOUT')), resolveCname: async () => [], resolveMx: async () => [], resolve4: async () => [] };
    expect(await lookupDmarcPolicy(failing, 'slow.test')).toBeNull();
  });
});

describe('dmarcWarnings', () => {
  it('warns only for p=reject, naming the domain and the fix', () => {
    expect(dmarcWarnings('a@client.test', null)).toEqual([]);
    expect(dmarcWarnings('a@client.test', 'quarantine')).toEqual([]);
    const [w] = dmarcWarnings('a@client.test', 'reject');
    expect(w.code).toBe('DMARC_REJECT');
    expect(w.message).toContain('client.test');
    expect(w.message).toMatch(/may not be delivered/);
    expect(w.message).toMatch(/p=none or p=quarantine/);
  });
});
