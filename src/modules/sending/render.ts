import { Liquid, LiquidError } from 'liquidjs';

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

// Limits keep a hostile template from tying up the worker: parse size, render time (ms) and memory.
// templates: {} — includes and layouts resolve in an empty in-memory map, never on the file system.
const liquid = new Liquid({ templates: {}, strictFilters: true, ownPropertyOnly: true, parseLimit: 2_000_000, renderLimit: 2_000, memoryLimit: 20_000_000 });

async function renderPart(field: RenderError['field'], source: string, variables: Record<string, unknown>): Promise<string> {
  try {
    return await liquid.parseAndRender(source, variables);
  } catch (e) {
    if (!LiquidError.is(e)) throw e;
    throw new RenderError(field, `${field}: ${e.message.replace(/, line:\d+, col:\d+$/, '')}`);
  }
}

/**
 * Renders a template's subject and bodies with Liquid and `variables` (pure; no file or network
 * access). The subject becomes one line. Throws RenderError naming the part that failed.
 */
export async function renderContent(parts: { subject: string; html: string | null; text: string | null }, variables: Record<string, unknown>): Promise<RenderedContent> {
  const subject = (await renderPart('subject', parts.subject, variables)).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (subject === '') throw new RenderError('subject', 'subject: renders to an empty subject');
  const html = parts.html === null ? null : await renderPart('html', parts.html, variables);
  const text = parts.text === null ? null : await renderPart('text', parts.text, variables);
  return { subject: subject.slice(0, 998), html, text };
}
