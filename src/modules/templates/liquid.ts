import { badInput } from '../../graphql/errors';
import type { TemplateRenderer } from './render-pool';

/** The template parts that hold Liquid, named as the input fields they come from. */
export type LiquidField = 'subject' | 'html' | 'text';

/** A Liquid syntax error with its position (1-based line and column) in one field. */
export interface LiquidSyntaxError {
  field: LiquidField;
  message: string;
  line: number;
  column: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

type Segment = string | number | unknown[] | null;

/** Formats a variable path: `user.name`, `items[0].sku`, `user["first name"]`; stops at a dynamic segment like `x[y]`. */
export function formatSegments(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s !== 'string') break;
    else if (out === '') out = s;
    else out += IDENTIFIER.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * Parses one Liquid source in the render pool (within `budgetMs`) and lists the context variables it
 * reads (dotted paths, loop and assigned locals excluded). Returns the syntax error instead when it
 * does not parse, or `tooComplex` with the reason when the parse could not finish within its budget.
 */
export async function analyzeLiquid(
  renderer: TemplateRenderer,
  field: LiquidField,
  source: string,
  budgetMs: number,
): Promise<{ variables: string[] } | { error: LiquidSyntaxError } | { tooComplex: string }> {
  const result = await renderer.analyze(source, budgetMs);
  if ('syntaxError' in result) return { error: { field, ...result.syntaxError } };
  if ('error' in result) return { tooComplex: result.error };
  return { variables: result.segments.map(formatSegments).filter((v) => v !== '') };
}

/**
 * Parses the subject and bodies of a template (off the main thread, each within `budgetMs`) and returns
 * the variables they use, sorted and unique. Throws BAD_USER_INPUT naming the field, with `line` and
 * `column` on a syntax error, or when a part is too complex to parse in time.
 */
export async function templateVariables(renderer: TemplateRenderer, parts: Partial<Record<LiquidField, string | null>>, budgetMs: number): Promise<string[]> {
  const all = new Set<string>();
  for (const field of ['subject', 'html', 'text'] as const) {
    const source = parts[field];
    if (source === null || source === undefined) continue;
    const result = await analyzeLiquid(renderer, field, source, budgetMs);
    if ('tooComplex' in result) throw badInput(field, `${field}: the template is too complex to check (${result.tooComplex})`);
    if ('error' in result) {
      const { message, line, column } = result.error;
      throw badInput(field, `${field}: Liquid syntax error at line ${line}, column ${column}: ${message}`, { line, column });
    }
    for (const v of result.variables) all.add(v);
  }
  return [...all].sort();
}
