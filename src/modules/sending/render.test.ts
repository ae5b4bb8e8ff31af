import { describe, expect, it } from 'vitest';
import { RenderError, renderContent } from './render';

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

  it('reads own properties only', async () => {
    expect((await render('{{ user.constructor }}{{ user.name }}', { user: { name: 'Ada' } })).html).toBe('Ada');
  });
});
