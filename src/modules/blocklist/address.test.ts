import { describe, expect, it } from 'vitest';
import { BlocklistAddressKind, expandAddress, parseMonitorAddress, queryName } from './address';

const code = (f: () => unknown) => {
  try {
    f();
    return null;
  } catch (e) {
    return (e as { extensions: { code: string; field: string } }).extensions;
  }
};

describe('monitor addresses', () => {
  it('normalises domains, IPv4, IPv6 and CIDR ranges', () => {
    expect(parseMonitorAddress(' Example.COM. ')).toEqual({ kind: BlocklistAddressKind.DOMAIN, address: 'example.com' });
    expect(parseMonitorAddress('bücher.de')).toEqual({ kind: BlocklistAddressKind.DOMAIN, address: 'xn--bcher-kva.de' });
    expect(parseMonitorAddress('192.0.2.1')).toEqual({ kind: BlocklistAddressKind.IPV4, address: '192.0.2.1' });
    expect(parseMonitorAddress('2001:DB8:0:0:0:0:0:1')).toEqual({ kind: BlocklistAddressKind.IPV6, address: '2001:db8::1' });
    expect(parseMonitorAddress('192.0.2.77/24')).toEqual({ kind: BlocklistAddressKind.CIDR, address: '192.0.2.0/24' });
    expect(parseMonitorAddress('2001:db8::1:ff/120')).toEqual({ kind: BlocklistAddressKind.CIDR, address: '2001:db8::1:0/120' });
  });

  it('refuses bad addresses and ranges wider than /24 or /120, naming the field', () => {
    for (const bad of ['', 'not a domain', '300.1.1.1', '01.2.3.4', '192.0.2.0/23', '10.0.0.0/8', '2001:db8::/119', '192.0.2.0/33', 'a/b', '2001:db8::zz', 'example.invalidtld']) {
      expect(
        code(() => parseMonitorAddress(bad)),
        bad,
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'address' });
    }
  });

  it('expands a range to each address, and names queries as RFC 5782 says', () => {
    const v4 = expandAddress(parseMonitorAddress('192.0.2.0/30'));
    expect(v4).toEqual(['192.0.2.0', '192.0.2.1', '192.0.2.2', '192.0.2.3']);
    expect(expandAddress(parseMonitorAddress('198.51.100.0/24'))).toHaveLength(256);
    const v6 = expandAddress(parseMonitorAddress('2001:db8::/126'));
    expect(v6).toEqual(['2001:db8::', '2001:db8::1', '2001:db8::2', '2001:db8::3']);
    expect(expandAddress(parseMonitorAddress('2001:db8::/120'))).toHaveLength(256);
    expect(queryName('192.0.2.99', 'zen.example')).toBe('99.2.0.192.zen.example');
    // RFC 5782 §2.4's example.
    expect(queryName('2001:db8:1:2:3:4:567:89ab', 'ugly.example.com')).toBe('b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ugly.example.com');
    expect(queryName('::ffff:192.0.2.1', 'z.example')).toBe('1.0.2.0.0.0.0.c.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.z.example');
    expect(queryName('example.com', 'dbl.example')).toBe('example.com.dbl.example');
  });
});
