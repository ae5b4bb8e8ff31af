import { describe, expect, it } from 'vitest';
import type { DnsLookup } from '../../context';
import { isIpHost, mailHostsFor } from './mail-hosts';

function dnsWith(resolveMx: DnsLookup['resolveMx']): DnsLookup {
  return { resolveMx, resolveTxt: async () => [], resolveCname: async () => [], resolve4: async () => [] };
}
const fail = (code: string) => async () => {
  throw Object.assign(new Error(code), { code });
};

describe('mailHostsFor', () => {
  it('orders MX hosts by preference', async () => {
    const dns = dnsWith(async () => [
      { exchange: 'b.example.', priority: 20 },
      { exchange: 'A.example', priority: 10 },
    ]);
    expect(await mailHostsFor(dns, 'x.example')).toEqual({ kind: 'hosts', hosts: ['a.example', 'b.example'] });
  });

  it('falls back to the domain itself (implicit MX, RFC 5321 §5.1) when there is no MX', async () => {
    expect(await mailHostsFor(dnsWith(fail('ENODATA')), 'x.example')).toEqual({ kind: 'hosts', hosts: ['x.example'] });
    expect(await mailHostsFor(dnsWith(fail('ENOTFOUND')), 'x.example')).toEqual({ kind: 'hosts', hosts: ['x.example'] });
    expect(
      await mailHostsFor(
        dnsWith(async () => []),
        'x.example',
      ),
    ).toEqual({ kind: 'hosts', hosts: ['x.example'] });
  });

  it('knows a null MX (RFC 7505) and reports lookup failures as temporary', async () => {
    expect(
      (
        await mailHostsFor(
          dnsWith(async () => [{ exchange: '', priority: 0 }]),
          'x.example',
        )
      ).kind,
    ).toBe('none');
    expect((await mailHostsFor(dnsWith(fail('ETIMEOUT')), 'x.example')).kind).toBe('dns-failure');
  });

  it('recognises IP literals', () => {
    expect(isIpHost('127.0.0.1')).toBe(true);
    expect(isIpHost('[::1]')).toBe(true);
    expect(isIpHost('mx.example')).toBe(false);
  });
});
