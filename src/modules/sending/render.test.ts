import { afterAll, describe, expect, it } from 'vitest';
import { createRenderPool } from '../templates/render-pool';
import { type RenderedContent, RenderError, renderContent as renderWith } from './render';

const pool = createRenderPool(1);
afterAll(() => pool.close());
const renderContent = (parts: Parameters<typeof renderWith>[1], variables: Record<string, unknown>, timeoutMs = 1000): Promise<RenderedContent> => renderWith(pool, parts, variables, { timeoutMs });
const render = (html: string, variables: Record<string, unknown> = {}) => renderContent({ subject: 'Hi {{ user.name }}', html, text: null }, variables);

describe('renderContent', () => {
  it('renders subject and bodies with the variables; the subject stays one line', async () => {
    const out = await renderContent({ subject: 'Hi {{ user.name }}\n{{ "again" }}', html: '<p>{{ user.name | upcase }}</p>', text: 'Hello {{ user.name }}' }, { user: { name: 'Ada' } });
    expect(out).toEqual({ subject: 'Hi Ada again', html: '<p>ADA</p>', text: 'Hello Ada' });
  });

  it('never reads files: include and render find nothing', async () => {
    await expect(render("{% include 'package.json' %}")).rejects.toBeInstanceOf(RenderError);
    await expect(render("{% render '/etc/passwd' %}")).rejects.toMatchObject({ field: 'html' });
  });

  it('stops a template that runs too long and refuses an empty subject', async () => {
    await expect(render('{% for i in (1..100000000) %}{{ i }}{% endfor %}')).rejects.toBeInstanceOf(RenderError);
    await expect(renderContent({ subject: '{{ missing }}', html: null, text: 'x' }, {})).rejects.toMatchObject({ field: 'subject' });
  });

  it('names the part that was running when the budget ran out, and spends no time past a deadline', async () => {
    const slow = '{% for i in (1..3000) %}{% for j in (1..3000) %}{% endfor %}{% endfor %}';
    await expect(renderContent({ subject: 'Hi', html: null, text: slow }, {}, 300)).rejects.toMatchObject({ field: 'text', message: expect.stringMatching(/^text: /) });
    const started = Date.now();
    await expect(renderWith(pool, { subject: 'Hi', html: 'x', text: null }, {}, { timeoutMs: 1000, deadline: Date.now() - 1 })).rejects.toMatchObject({
      field: 'subject',
      message: 'subject: the render budget is spent',
    });
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('reads own properties only', async () => {
    expect((await render('{{ user.constructor }}{{ user.name }}', { user: { name: 'Ada' } })).html).toBe('Ada');
  });
});
