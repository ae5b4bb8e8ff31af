import type { TemplateRenderer } from '../templates/render-pool';

/** The rendered parts of a message. */
export interface RenderedContent {
  subject: string;
  html: string | null;
  text: string | null;
}

/** A template that failed to render: which part and why. */
export class RenderError extends Error {
  constructor(
    readonly field: 'subject' | 'html' | 'text',
    message: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

/** How long a render may take: `timeoutMs` from now, and not past `deadline` (epoch ms) when given (a bulk chunk's budget). */
export interface RenderBudget {
  timeoutMs: number;
  deadline?: number;
}

async function renderPart(renderer: TemplateRenderer, field: RenderError['field'], source: string, variables: Record<string, unknown>, until: number): Promise<string> {
  const result = await renderer.render(source, variables, until - Date.now());
  if ('error' in result) throw new RenderError(field, `${field}: ${result.error}`);
  return result.output;
}

/**
 * Renders a template's subject and bodies with Liquid and `variables` in the render pool (no file or
 * network access), all parts within one budget. The subject becomes one line. Throws RenderError
 * naming the part that failed (a Liquid error, or the part running when the budget ran out).
 */
export async function renderContent(
  renderer: TemplateRenderer,
  parts: { subject: string; html: string | null; text: string | null },
  variables: Record<string, unknown>,
  budget: RenderBudget,
): Promise<RenderedContent> {
  const until = Math.min(Date.now() + budget.timeoutMs, budget.deadline ?? Infinity);
  const subject = (await renderPart(renderer, 'subject', parts.subject, variables, until)).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (subject === '') throw new RenderError('subject', 'subject: renders to an empty subject');
  const html = parts.html === null ? null : await renderPart(renderer, 'html', parts.html, variables, until);
  const text = parts.text === null ? null : await renderPart(renderer, 'text', parts.text, variables, until);
  return { subject: subject.slice(0, 998), html, text };
}
