import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../graphql/errors';
import { analyzeLiquid as analyzeWith, formatSegments, type LiquidField, templateVariables as variablesWith } from './liquid';
import { createRenderPool } from './render-pool';

const pool = createRenderPool(1);
afterAll(() => pool.close());
const templateVariables = (parts: Partial<Record<LiquidField, string | null>>, budgetMs = 2000) => variablesWith(pool, parts, budgetMs);
const analyzeLiquid = (field: LiquidField, source: string) => analyzeWith(pool, field, source, 2000);

async function thrown(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected an error');
}

describe('templateVariables', () => {
  it('lists the context variables as dotted paths, sorted and unique, without loop locals or assigns', async () => {
    const vars = await templateVariables({
      subject: 'Hi {{ user.name }}',
      html: '{% for item in order.items %}{{ item.sku }} {{ forloop.index }}{% endfor %}{% assign total = order.total %}{{ total }} {{ user.name | upcase }}',
      text: '{{ user["first name"] }} {{ lines[0].sku }} {% if vip %}VIP{% endif %} {{ "literal" }}',
    });
    expect(vars).toEqual(['lines[0].sku', 'order.items', 'order.total', 'user.name', 'user["first name"]', 'vip']);
  });

  it('skips missing parts and does not read partials from disk', async () => {
    expect(await templateVariables({ subject: 'Static', html: null })).toEqual([]);
    expect(await templateVariables({ text: '{% render "footer" %}{{ a.b }}' })).toEqual(['a.b']);
  });

  it('reports an unclosed output with its field, line and column', async () => {
    const e = await thrown(() => templateVariables({ subject: 'ok', html: '<p>\n  Hello {{ name \n</p>' }));
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'html', line: 2, column: 9 });
    expect(e.message).toContain('line 2, column 9');
    expect(e.message).toContain('not closed');
  });

  it('reports an unclosed tag and an unknown filter (strict filters)', async () => {
    expect((await thrown(() => templateVariables({ text: 'a\nb {% if x %} yes' }))).extensions).toMatchObject({ field: 'text', line: 2, column: 3 });
    const filter = await thrown(() => templateVariables({ subject: '{{ name | shout }}' }));
    expect(filter.extensions).toMatchObject({ field: 'subject', line: 1, column: 1 });
    expect(filter.message).toContain('undefined filter: shout');
  });

  it('refuses a part too complex to parse within its budget, naming the field', async () => {
    const huge = '{% if a %}{{ b.c | upcase }}{% endif %}'.repeat(13_000);
    const e = await thrown(() => templateVariables({ subject: 'ok', html: huge }, 300));
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'html' });
    expect(e.message).toBe('html: the template is too complex to check (parsing took longer than 300 ms)');
  });
});

describe('analyzeLiquid', () => {
  it('returns the error instead of throwing, without the liquidjs position suffix in the message', async () => {
    const r = await analyzeLiquid('html', 'Hello {{ name ');
    expect(r).toEqual({ error: { field: 'html', line: 1, column: 7, message: 'output "{{ name " not closed' } });
  });
});

describe('formatSegments', () => {
  it('joins identifiers with dots, indexes with brackets and stops at a dynamic segment', () => {
    expect(formatSegments(['user', 'name'])).toBe('user.name');
    expect(formatSegments(['items', 0, 'sku'])).toBe('items[0].sku');
    expect(formatSegments(['x', ['y'], 'z'])).toBe('x');
  });
});
