import { Liquid, LiquidError } from 'liquidjs';
import { badInput } from '../../graphql/errors';
import { LIQUID_LIMITS } from './render-pool';

/** The template parts that hold Liquid, named as the input fields they come from. */
export type LiquidField = 'subject' | 'html' | 'text';

/** A Liquid syntax error with its position (1-based line and column) in one field. */
export interface LiquidSyntaxError {
  field: LiquidField;
  message: string;
  line: number;
  column: number;
}

// strictFilters: an unknown filter is a parse error, not a silent no-op at send time.
const liquid = new Liquid({ strictFilters: true, parseLimit: LIQUID_LIMITS.parseLimit });

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

type Segment = string | number | unknown[];

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

function syntaxError(field: LiquidField, e: LiquidError): LiquidSyntaxError {
  const [line, column] = e.token?.getPosition() ?? [1, 1];
  // liquidjs appends ", line:L, col:C" to its messages; the position is reported separately.
  const message = e.message.replace(/, line:\d+, col:\d+$/, '');
  return { field, message, line, column };
}

/**
 * Parses one Liquid source and lists the context variables it reads (dotted paths, loop and
 * assigned locals excluded). Returns the syntax error instead when it does not parse.
 */
export function analyzeLiquid(field: LiquidField, source: string): { variables: string[] } | { error: LiquidSyntaxError } {
  let segments: Segment[][];
  try {
    const parsed = liquid.parse(source);
    // partials: false — never read files; included templates are not part of this one.
    segments = liquid.globalVariableSegmentsSync(parsed, { partials: false }) as Segment[][];
  } catch (e) {
    if (!LiquidError.is(e)) throw e;
    return { error: syntaxError(field, e) };
  }
  const variables = segments.map(formatSegments).filter((v) => v !== '');
  return { variables };
}

/**
 * Parses the subject and bodies of a template and returns the variables they use, sorted and
 * unique. Throws BAD_USER_INPUT naming the field, with `line` and `column`, on a syntax error.
 */
export function templateVariables(parts: Partial<Record<LiquidField, string | null>>): string[] {
  const all = new Set<string>();
  for (const field of ['subject', 'html', 'text'] as const) {
    const source = parts[field];
    if (source === null || source === undefined) continue;
    const result = analyzeLiquid(field, source);
    if ('error' in result) {
      const { message, line, column } = result.error;
      throw badInput(field, `${field}: Liquid syntax error at line ${line}, column ${column}: ${message}`, { line, column });
    }
    for (const v of result.variables) all.add(v);
  }
  return [...all].sort();
}
