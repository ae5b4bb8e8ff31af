import type { ASTVisitor, ValidationContext } from 'graphql';
import { AppError, badInput } from './errors';

/** Nesting limits, checked before anything walks the input recursively. */
export const NESTING_LIMITS = { documentBrackets: 64, valueDepth: 32 };

const NUL = '\u0000';

/**
 * BAD_USER_INPUT when the document nests brackets (`{`, `[`, `(`) deeper than allowed, found by a
 * flat scan (strings, block strings and comments skipped) before the recursive parser sees it;
 * null otherwise. Unbalanced brackets are left for the parser to report.
 */
export function documentNestingError(query: unknown, max = NESTING_LIMITS.documentBrackets): AppError | null {
  if (typeof query !== 'string') return null;
  let depth = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < query.length && query[i] !== '\n' && query[i] !== '\r') i++;
    } else if (c === 0x22 /* " */) {
      if (query.startsWith('"""', i)) {
        i += 3;
        while (i < query.length && !query.startsWith('"""', i)) i += query.startsWith('\\"""', i) ? 4 : 1;
        i += 2;
      } else {
        i++;
        while (i < query.length && query[i] !== '"' && query[i] !== '\n') i += query[i] === '\\' ? 2 : 1;
      }
    } else if (c === 0x7b || c === 0x5b || c === 0x28 /* { [ ( */) {
      if (++depth > max) return badInput('query', `The document nests more than ${max} levels deep`);
    } else if (c === 0x7d || c === 0x5d || c === 0x29 /* } ] ) */) {
      depth--;
    }
  }
  return null;
}

/**
 * BAD_USER_INPUT naming the path (`input.events[0].data.x`) of the first value under `root` that nests
 * deeper than allowed or (with `nul`) has a NUL character in a string or key; null when all is well.
 * Iterative, so a value nested thousands deep is refused without a stack overflow.
 */
export function valueError(value: unknown, root: string, opts: { nul: boolean; maxDepth?: number }): AppError | null {
  const max = opts.maxDepth ?? NESTING_LIMITS.valueDepth;
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (opts.nul && v.includes(NUL)) return nulError(path);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return badInput(path, `${path} nests more than ${max} levels deep`);
    const list = Array.isArray(v);
    for (const [k, child] of Object.entries(v)) {
      const childPath = list ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      if (opts.nul && k.includes(NUL)) return nulError(childPath.replace(/\u0000/g, '\\u0000'));
      stack.push({ v: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

function nulError(field: string): AppError {
  return badInput(field, `${field} must not contain NUL (\\u0000) characters`);
}

/** BAD_USER_INPUT for the first variable (by name) that nests too deeply or holds a NUL character. */
export function variablesError(variables: unknown): AppError | null {
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) return null;
  for (const [name, v] of Object.entries(variables)) {
    const e = valueError(v, name, { nul: true });
    if (e) return e;
  }
  return null;
}

/**
 * Validation rule: no string literal in the document (argument values, input object fields, JSON
 * scalar literals, at any depth) contains a NUL character. The error names the argument path.
 */
export function NoNulInStringsRule(context: ValidationContext): ASTVisitor {
  const path: string[] = [];
  return {
    Argument: { enter: (n) => void path.push(n.name.value), leave: () => void path.pop() },
    ObjectField: { enter: (n) => void path.push(n.name.value), leave: () => void path.pop() },
    VariableDefinition: { enter: (n) => void path.push(n.variable.name.value), leave: () => void path.pop() },
    StringValue(node) {
      if (node.value.includes(NUL)) context.reportError(nulError(path.join('.') || 'query'));
    },
    Directive: { enter: (n) => void path.push(`@${n.name.value}`), leave: () => void path.pop() },
  };
}
