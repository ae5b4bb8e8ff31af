import { describe, expect, it } from 'vitest';
import { isForbiddenAddress, isForbiddenLiteral } from './ssrf';

describe('isForbiddenAddress', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast, metadata and reserved addresses, IPv4 and IPv6', () => {
    const forbidden = [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.254',
      '0.0.0.0',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '192.0.0.170',
      '198.18.0.1',
      '240.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      'fd00:ec2::254',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      '[::1]',
      'fe80::1%eth0',
      'not an address',
      '',
    ];
    for (const a of forbidden) expect(isForbiddenAddress(a), a).toBe(true);
  });

  it('lets public addresses through', () => {
    for (const a of ['93.184.216.34', '1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34', '100.128.0.1', '172.32.0.1']) expect(isForbiddenAddress(a), a).toBe(false);
  });

  it('judges only IP literals on save (names are judged at connect time)', () => {
    expect(isForbiddenLiteral('127.0.0.1')).toBe(true);
    expect(isForbiddenLiteral('[::ffff:7f00:1]')).toBe(true);
    expect(isForbiddenLiteral('hooks.example.com')).toBe(false);
    expect(isForbiddenLiteral('93.184.216.34')).toBe(false);
  });
});
