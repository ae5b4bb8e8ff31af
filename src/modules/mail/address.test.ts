import { describe, expect, it } from 'vitest';
import { AppError } from '../../graphql/errors';
import { normaliseDomain, optionalDisplayName, optionalEmail, optionalText, parseEmailAddress, requireEmail } from './address';

function email(raw: string): string | null {
  const r = parseEmailAddress(raw);
  return r.ok ? r.email : null;
}

describe('parseEmailAddress', () => {
  it('trims and lower-cases both parts', () => {
    expect(parseEmailAddress('  Alice.Smith+News@Example.COM \n')).toEqual({ ok: true, email: 'alice.smith+news@example.com', localPart: 'alice.smith+news', domain: 'example.com' });
  });

  it('converts an IDN domain to punycode', () => {
    expect(email('Jörg@Bücher.Example')).toBeNull(); // non-ASCII local part is refused
    expect(email('joerg@Bücher.example')).toBe('joerg@xn--bcher-kva.example');
    expect(email('info@münchen.de')).toBe('info@xn--mnchen-3ya.de');
  });

  it('refuses malformed addresses', () => {
    for (const bad of [
      '',
      '   ',
      'plain',
      '@example.com',
      'a@',
      'a@@example.com',
      'a@b@example.com',
      'a..b@example.com',
      '.a@example.com',
      'a.@example.com',
      'a@example',
      'a@-example.com',
      'a@example-.com',
      'a@exa_mple.com',
      'a@example.com.',
      'a@1.2.3.4',
      'a@[127.0.0.1]',
      '"quoted"@example.com',
      'a b@example.com',
    ]) {
      expect(parseEmailAddress(bad).ok, bad).toBe(false);
    }
  });

  it('refuses display names, CR/LF header injection and control characters', () => {
    for (const bad of [
      'Alice <alice@example.com>',
      'alice@example.com>',
      'alice@example.com, bob@example.com',
      'alice@example.com\r\nBcc: x@evil.test',
      'alice@example.com\nBcc: x@evil.test',
      'ali\u0000ce@example.com',
      'alice@exam\u2028ple.com',
      'alice@example.com;bob@example.com',
    ]) {
      expect(parseEmailAddress(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('enforces length limits: 64 before the @, 254 in all', () => {
    expect(email(`${'a'.repeat(64)}@example.com`)).not.toBeNull();
    expect(email(`${'a'.repeat(65)}@example.com`)).toBeNull();
    const label = 'b'.repeat(60);
    const longDomain = `${label}.${label}.${label}.${'c'.repeat(61)}.com`; // 248 characters
    expect(email(`abcde@${longDomain}`)).toHaveLength(254);
    expect(email(`abcdef@${longDomain}`)).toBeNull();
  });
});

describe('normaliseDomain', () => {
  it('keeps valid names and refuses labels over 63 characters', () => {
    expect(normaliseDomain('Mail.Example.ORG')).toBe('mail.example.org');
    expect(normaliseDomain(`${'a'.repeat(64)}.com`)).toBeNull();
    expect(normaliseDomain('localhost')).toBeNull();
  });
});

describe('input helpers', () => {
  it('requireEmail names the field in BAD_USER_INPUT', () => {
    expect(requireEmail('email', ' Bob@Example.com ')).toBe('bob@example.com');
    try {
      requireEmail('replyToEmail', 'not an address');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'replyToEmail' });
    }
  });

  it('optional helpers map blank to null and enforce limits', () => {
    expect(optionalEmail('replyToEmail', '  ')).toBeNull();
    expect(optionalEmail('replyToEmail', null)).toBeNull();
    expect(optionalDisplayName('name', '  Alice  ', 100)).toBe('Alice');
    expect(() => optionalDisplayName('name', 'x'.repeat(101), 100)).toThrow(/at most 100/);
    expect(() => optionalDisplayName('name', 'Alice\r\nBcc: x', 100)).toThrow(/line breaks/);
    expect(optionalText('personalNote', ' Hi,\r\nsee you\n', 1000)).toBe('Hi,\nsee you');
    expect(() => optionalText('personalNote', 'x'.repeat(1001), 1000)).toThrow(/at most 1000/);
    expect(() => optionalText('personalNote', 'a\u0000b', 1000)).toThrow(/control/);
  });
});
