import { describe, expect, it } from 'vitest';
import type { DnsLookup } from '../../context';
import { runRound } from './lookup';

function dns(a: Record<string, string[] | 'timeout'>, txt: Record<string, string> = {}): DnsLookup {
  const nx = (h: string) => Object.assign(new Error(`ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
  return {
    resolve4: async (h) => {
      const r = a[h];
      if (r === 'timeout') return new Promise(() => undefined);
      if (!r) throw nx(h);
      return r;
    },
    resolveTxt: async (h) => {
      if (!txt[h]) throw nx(h);
      return [[txt[h]]];
    },
    resolveCname: async () => [],
    resolveMx: async () => [],
  };
}

const healthyIp = (zone: string) => ({ [`2.0.0.127.${zone}`]: ['127.0.0.2'] });

describe('a check round', () => {
  it('reports listings of healthy zones with their codes and reasons, and no lookups of the other kind', async () => {
    const progress: number[] = [];
    const out = await runRound({
      dns: dns(
        { ...healthyIp('good.example'), '9.2.0.192.good.example': ['127.0.0.4', '127.0.0.2'], 'test.dom.example': ['127.0.1.2'] },
        { '9.2.0.192.good.example': 'Listed: see https://good.example/9' },
      ),
      zones: [
        { zone: 'good.example', kind: 'ip' },
        { zone: 'dom.example', kind: 'domain' },
      ],
      targets: ['192.0.2.9', '192.0.2.10'],
      timeoutMs: 500,
      concurrency: 4,
      onProgress: (done) => progress.push(done),
    });
    expect(out.zones).toEqual([
      {
        zone: 'good.example',
        kind: 'ip',
        healthy: true,
        error: null,
        listings: [{ address: '192.0.2.9', zone: 'good.example', returnCodes: ['127.0.0.2', '127.0.0.4'], reason: 'Listed: see https://good.example/9' }],
      },
    ]);
    expect(progress.at(-1)).toBe(4);
  });

  it('a zone that fails its self-test, answers an error code or times out is unhealthy: neither listed nor clean', async () => {
    const out = await runRound({
      dns: dns({
        // no 127.0.0.2 entry: self-test fails
        '9.2.0.192.notest.example': ['127.0.0.2'],
        ...healthyIp('errcode.example'),
        '9.2.0.192.errcode.example': ['127.255.255.254'],
        ...healthyIp('slow.example'),
        '9.2.0.192.slow.example': 'timeout',
        '2.0.0.127.all.example': ['127.0.0.2'],
        '1.0.0.127.all.example': ['127.0.0.2'],
        ...healthyIp('hijack.example'),
        '9.2.0.192.hijack.example': ['198.51.100.7'],
      }),
      zones: ['notest', 'errcode', 'slow', 'all', 'hijack'].map((z) => ({ zone: `${z}.example`, kind: 'ip' as const })),
      targets: ['192.0.2.9'],
      timeoutMs: 100,
      concurrency: 8,
    });
    expect(out.zones.map((z) => [z.zone, z.healthy, z.listings.length, z.error])).toEqual([
      ['notest.example', false, 0, 'self-test failed: the test entry 127.0.0.2 is not listed'],
      ['errcode.example', false, 0, '192.0.2.9: answered the error code 127.255.255.254'],
      ['slow.example', false, 0, '192.0.2.9: lookup failed (ETIMEOUT)'],
      ['all.example', false, 0, 'self-test failed: 127.0.0.1 is listed (the zone lists everything)'],
      ['hijack.example', false, 0, '192.0.2.9: answered 198.51.100.7, which is no listing code (a resolver rewriting NXDOMAIN?)'],
    ]);
  });

  it('domain lists are self-tested with test/invalid, and 127.0.1.255 (an IP asked of a domain list) is an error', async () => {
    const out = await runRound({
      dns: dns({ 'test.dbl.example': ['127.0.1.2'], 'bad.example.com.dbl.example': ['127.0.1.2'], 'test.d2.example': ['127.0.1.2'], 'bad.example.com.d2.example': ['127.0.1.255'] }),
      zones: [
        { zone: 'dbl.example', kind: 'domain' },
        { zone: 'd2.example', kind: 'domain' },
      ],
      targets: ['bad.example.com'],
      timeoutMs: 200,
      concurrency: 2,
    });
    expect(out.zones.map((z) => [z.zone, z.healthy, z.listings.map((l) => l.returnCodes)])).toEqual([
      ['dbl.example', true, [['127.0.1.2']]],
      ['d2.example', false, []],
    ]);
  });
});
