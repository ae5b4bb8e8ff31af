import { type DocumentNode, Kind, type ValueNode, print, visit } from 'graphql';

/** What replaces a redacted value. */
export const REDACTED = '[REDACTED]';

/** Names whose values are never kept: credentials, and message content. */
const EXACT = new Set(['token', 'html', 'text', 'subject', 'raw', 'variables', 'body', 'headers', 'personalnote', 'content', 'dkimprivatekey', 'personalization']);
const PATTERN = /secret|password|passphrase|privatekey|authorization|apikey|hash/i;

/** Whether a field, argument or input field of this name holds a secret or message content. Pure. */
export function isSensitiveName(name: string): boolean {
  return EXACT.has(name.toLowerCase()) || PATTERN.test(name);
}

/** What one document makes sensitive besides the names themselves: the variables passed to such arguments and the response keys (aliases) of such fields. */
export interface SensitiveKeys {
  variables: ReadonlySet<string>;
  responseKeys: ReadonlySet<string>;
}

const REDACTED_NODE: ValueNode = { kind: Kind.STRING, value: REDACTED };

function variablesIn(value: ValueNode, into: Set<string>): void {
  if (value.kind === Kind.VARIABLE) into.add(value.name.value);
  else if (value.kind === Kind.LIST) for (const v of value.values) variablesIn(v, into);
  else if (value.kind === Kind.OBJECT) for (const f of value.fields) variablesIn(f.value, into);
}

/**
 * The document with every literal given to a sensitive argument or input field replaced by
 * `[REDACTED]`, printed, and the variable names and response keys the document makes sensitive
 * (a client may alias `secret` or pass a password through `$x`). Pure.
 */
export function redactDocument(document: DocumentNode): { query: string; keys: SensitiveKeys } {
  // Parsed documents are shared between requests (see operation-guard): each is redacted once.
  let done = redactedDocuments.get(document);
  if (!done) redactedDocuments.set(document, (done = redactOnce(document)));
  return done;
}

const redactedDocuments = new WeakMap<DocumentNode, { query: string; keys: SensitiveKeys }>();

function redactOnce(document: DocumentNode): { query: string; keys: SensitiveKeys } {
  const variables = new Set<string>();
  const responseKeys = new Set<string>();
  const redactValue = (node: { name: { value: string }; value: ValueNode }) => {
    if (!isSensitiveName(node.name.value)) return undefined;
    variablesIn(node.value, variables);
    return node.value.kind === Kind.VARIABLE ? undefined : { ...node, value: REDACTED_NODE };
  };
  const redacted = visit(document, {
    Field(node) {
      if (isSensitiveName(node.name.value)) responseKeys.add((node.alias ?? node.name).value);
    },
    Argument: redactValue,
    ObjectField: redactValue,
  });
  return { query: print(redacted), keys: { variables, responseKeys } };
}

/**
 * A copy of a JSON value with every value under a sensitive key (or one of `extra`) replaced by
 * `[REDACTED]`, at any depth. Pure.
 */
export function redactValue(value: unknown, extra: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((v) => redactValue(v, extra));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = isSensitiveName(k) || extra.has(k) ? REDACTED : redactValue(v, extra);
  return out;
}

/** The variables of an operation, redacted: sensitive keys at any depth, and whole variables the document passes to sensitive arguments. Pure. */
export function redactVariables(variables: unknown, keys: SensitiveKeys): unknown {
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) return redactValue(variables);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(variables as Record<string, unknown>)) out[k] = keys.variables.has(k) || isSensitiveName(k) ? REDACTED : redactValue(v);
  return out;
}
