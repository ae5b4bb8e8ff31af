import { describe, expect, it } from 'vitest';
import { globToLike, parseBlockEntry } from './pattern';

/** Whether `address` matches a stored LIKE pattern (PostgreSQL's LIKE, in memory). */
function likeMatches(like: string, address: string): boolean {
  let re = '';
  for (let i = 0; i < like.length; i++) {
    const c = like[i];
    if (c === '\\' && i + 1 < like.length) re += like[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(address);
}

describe('blocklist entries', () => {
  it('normalises plain addresses to recipients', () => {
    expect(parseBlockEntry(' Jane@Example.COM ')).toEqual({ ok: true, recipient: 'jane@example.com', pattern: null, like: null });
  });

  it('turns whole domains and globs into escaped LIKE patterns', () => {
    expect(parseBlockEntry('@Example.com')).toMatchObject({ pattern: '@example.com', like: '%@example.com' });
    expect(parseBlockEntry('*@example.com')).toMatchObject({ pattern: '*@example.com', like: '%@example.com' });
    expect(parseBlockEntry('info@*')).toMatchObject({ pattern: 'info@*', like: 'info@%' });
    expect(parseBlockEntry('*+test@*')).toMatchObject({ pattern: '*+test@*', like: '%+test@%' });
    expect(parseBlockEntry('a_b%c@*')).toMatchObject({ like: 'a\\_b\\%c@%' });
    expect(parseBlockEntry('*@bücher.de')).toMatchObject({ pattern: '*@xn--bcher-kva.de' });
  });

  it('refuses what is not an address or a * glob', () => {
    for (const bad of ['*@*', '*', '@*.com', 'a@b@c', '(.*)@x.com', 'x@', '', 'no-at-sign*', '*@exa mple.com']) {
      expect(parseBlockEntry(bad).ok, bad).toBe(false);
    }
  });

  it('matches like the database does: * is any run, _ and % are literal', () => {
    const like = (p: string) => (parseBlockEntry(p) as { like: string }).like;
    expect(likeMatches(like('*@example.com'), 'x@example.com')).toBe(true);
    expect(likeMatches(like('*@example.com'), 'x@sub.example.com')).toBe(false);
    expect(likeMatches(like('@example.com'), 'x@example.com')).toBe(true);
    expect(likeMatches(like('info@*'), 'info@any.org')).toBe(true);
    expect(likeMatches(like('info@*'), 'xinfo@any.org')).toBe(false);
    expect(likeMatches(like('*+test@*'), 'me+test@x.io')).toBe(true);
    expect(likeMatches(like('a_b@*'), 'axb@x.io')).toBe(false);
    expect(globToLike('a**b')).toBe('a%b');
  });
});
