import { describe, expect, it } from 'vitest';
import { normalizeDomainName, normalizeLabel } from './domain-name';

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return (e as { extensions?: { code?: string; field?: string } }).extensions;
  }
  return null;
}

describe('normalizeDomainName', () => {
  it('trims, lower-cases, drops a trailing dot and converts IDNs to punycode', () => {
    expect(normalizeDomainName('  Mail.Example.COM. ')).toBe('mail.example.com');
    expect(normalizeDomainName('Bücher.de')).toBe('xn--bcher-kva.de');
    expect(normalizeDomainName('a.b.example.co.uk')).toBe('a.b.example.co.uk');
  });

  it.each([
    ['192.0.2.1'],
    ['co.uk'],
    ['com'],
    ['no_tld'],
    ['example.notarealtld'],
    ['github.io'],
    [`${'a'.repeat(64)}.com`],
    [`${'abcdefghi.'.repeat(30)}com`],
    ['-bad.com'],
    ['a..b.com'],
    ['http://example.com/'],
    [''],
  ])('rejects %j with BAD_USER_INPUT naming the field', (name) => {
    expect(fieldOf(() => normalizeDomainName(name, 'name'))).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('accepts subdomains under private suffixes', () => {
    expect(normalizeDomainName('agency.github.io')).toBe('agency.github.io');
  });
});

describe('normalizeLabel', () => {
  it('accepts one label, lower-cased', () => {
    expect(normalizeLabel(' Bounce-1 ', 'returnPathSubdomain')).toBe('bounce-1');
  });
  it.each([['a.b'], ['-x'], ['x-'], [''], ['a'.repeat(64)], ['under_score']])('rejects %j naming the field', (label) => {
    expect(fieldOf(() => normalizeLabel(label, 'trackingSubdomain'))).toEqual({ code: 'BAD_USER_INPUT', field: 'trackingSubdomain' });
  });
});
