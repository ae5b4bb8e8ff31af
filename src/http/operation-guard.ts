import { type DocumentNode, GraphQLError, getOperationAST, parse } from 'graphql';
import { AppError, badInput } from '../graphql/errors';
import { documentNestingError, valueError, variablesError } from '../graphql/input-guard';

/** Most lexical tokens a document may have. */
export const MAX_TOKENS = 5000;

/** An operation as a transport received it, before anything walks it. */
export interface OperationRequest {
  query: unknown;
  variables?: unknown;
  extensions?: unknown;
  operationName?: unknown;
}

/** The outcome of checking a request: a refusal, the parsed document, or nothing to say (let GraphQL report). */
export type GuardResult = { error: GraphQLError } | { document: DocumentNode } | null;

/** How many distinct documents (that passed the nesting and token checks) stay parsed. */
const PARSED_DOCUMENTS = 500;
/** Longest document text kept parsed; longer ones are checked and parsed every time. */
const PARSED_MAX_LENGTH = 20_000;
// Document text → its parsed AST, in least-recently-used order (graphql-js never changes an AST).
const parsed = new Map<string, DocumentNode>();

function remember(query: string, document: DocumentNode): void {
  if (query.length > PARSED_MAX_LENGTH) return;
  if (parsed.size >= PARSED_DOCUMENTS) parsed.delete(parsed.keys().next().value as string);
  parsed.set(query, document);
}

/** Scans the document's nesting flat, then parses it with the token limit; a repeated document that passed is parsed once. */
function parseGuarded(query: unknown): GuardResult {
  if (typeof query !== 'string') return null;
  const known = parsed.get(query);
  if (known) {
    parsed.delete(query);
    parsed.set(query, known);
    return { document: known };
  }
  const deep = documentNestingError(query);
  if (deep) return { error: deep };
  try {
    const document = parse(query, { maxTokens: MAX_TOKENS });
    remember(query, document);
    return { document };
  } catch (e) {
    if (e instanceof GraphQLError && /contains more that \d+ tokens/.test(e.message)) {
      return { error: new AppError('BAD_USER_INPUT', `Syntax Error: the document has more than ${MAX_TOKENS} tokens`, { field: 'query' }) };
    }
    return null;
  }
}

/**
 * The checks every transport runs before GraphQL parses, validates or executes anything: document
 * nesting and token count, variables (nesting depth, NUL characters, named by path) and extensions
 * (nesting depth); over HTTP, a subscription is refused (it belongs on the WebSocket).
 */
export function guardOperation(req: OperationRequest, transport: 'http' | 'ws'): GuardResult {
  const parsed = parseGuarded(req.query);
  if (parsed && 'error' in parsed) return parsed;
  const vars = variablesError(req.variables);
  if (vars) return { error: vars };
  const ext = valueError(req.extensions, 'extensions', { nul: false });
  if (ext) return { error: ext };
  if (parsed && transport === 'http') {
    const name = typeof req.operationName === 'string' ? req.operationName : undefined;
    if (getOperationAST(parsed.document, name)?.operation === 'subscription') {
      return { error: badInput('query', 'Subscriptions are served over the WebSocket at /graphql (graphql-transport-ws protocol), not over HTTP') };
    }
  }
  return parsed;
}
