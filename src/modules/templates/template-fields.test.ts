import { describe, expect, it } from 'vitest';
import { body, categoryList, subjectLine, tagList } from './template-fields';

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return (e as { extensions: { code: string; field: string } }).extensions;
  }
  throw new Error('expected an error');
}

describe('template field validation', () => {
  it('checks subjects, bodies, tags and categories', () => {
    expect(fieldOf(() => subjectLine('Hi\r\nBcc: x@example.com'))).toMatchObject({ field: 'subject' });
    expect(fieldOf(() => subjectLine('x'.repeat(999)))).toMatchObject({ field: 'subject' });
    expect(subjectLine('x'.repeat(998))).toHaveLength(998);
    expect(fieldOf(() => body('html', 'é'.repeat(256 * 1024 + 1)))).toMatchObject({ field: 'html' });
    expect(body('text', '')).toBeNull();
    expect(tagList(['a.b:c-d_e', 'a.b:c-d_e', 'x'])).toEqual(['a.b:c-d_e', 'x']);
    expect(fieldOf(() => tagList(['has space']))).toMatchObject({ field: 'tags' });
    expect(fieldOf(() => tagList(Array.from({ length: 11 }, (_, i) => `t${i}`)))).toMatchObject({ field: 'tags' });
    expect(fieldOf(() => categoryList(['ok', 'x'.repeat(51)]))).toMatchObject({ field: 'categories' });
  });
});
