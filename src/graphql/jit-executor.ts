import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { type DocumentNode, execute, type ExecutionResult, GraphQLError, type GraphQLSchema, type GraphQLTypeResolver, isAbstractType } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { getMetadataStorage } from 'type-graphql';

// Per parsed document (Apollo keeps one per distinct query text) and operation name: its compiled
// form, null when graphql-jit could not compile it (graphql-js runs it then), or SEEN after its first
// run. Compiling costs more than one execution, so a document is compiled when it comes a second time.
const SEEN = 'seen';
const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null | typeof SEEN>>();

function compiledFor(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
  let byName = compiled.get(document);
  if (!byName) compiled.set(document, (byName = new Map()));
  const key = operationName ?? '';
  let c = byName.get(key);
  if (c === undefined) {
    byName.set(key, SEEN);
    return null;
  }
  if (c === SEEN) {
    let result: CompiledQuery | ExecutionResult | null;
    try {
      result = compileQuery(schema, document, operationName) as CompiledQuery | ExecutionResult;
    } catch {
      result = null;
    }
    c = result && isCompiledQuery(result as CompiledQuery) ? (result as CompiledQuery) : null;
    byName.set(key, c);
  }
  return c;
}

// graphql-jit's errors are frozen look-alikes; plugins and formatError get graphql-js's own class.
function asGraphqlJsError(e: GraphQLError): GraphQLError {
  const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions });
  (error as { locations?: GraphQLError['locations'] }).locations = e.locations;
  return error;
}

/**
 * Runs the queries and mutations Apollo has parsed and validated through graphql-jit, compiled once
 * per document and operation name; the same resolvers, context and error handling (formatError,
 * plugins) apply. A document graphql-jit cannot compile, and a request whose variables do not
 * coerce, run through graphql-js instead, so those answers are exactly graphql-js's.
 */
export function jitExecutor(schema: GraphQLSchema): GatewayExecutor {
  return async (rc) => {
    const operationName = rc.request.operationName ?? undefined;
    const variables = rc.request.variables ?? {};
    const query = rc.operation.operation === 'subscription' ? null : compiledFor(schema, rc.document, operationName);
    if (query) {
      const result = (await query.query(undefined, rc.context, variables)) as ExecutionResult;
      // No data at all: the variables did not coerce (nothing ran); graphql-js words those errors.
      if (result.data !== undefined || !result.errors?.length) return result.errors ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result;
    }
    return execute({ schema, document: rc.document, contextValue: rc.context, variableValues: variables, operationName });
  };
}

type TypeResolver = (...args: Parameters<GraphQLTypeResolver<unknown, unknown>>) => unknown;

/**
 * type-graphql makes every interface's and union's `resolveType` async, which graphql-jit does not
 * await; this gives each one declared with a `resolveType` the same answer without the promise
 * when the declared function answers at once (a type name, or a class named by its GraphQL type).
 */
function syncTypeResolvers(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const nameOf = (v: unknown): string | undefined => {
    if (!v) return undefined;
    if (typeof v === 'string') return v;
    return storage.objectTypes.find((o) => o.target === v)?.name;
  };
  for (const meta of [...storage.interfaceTypes, ...storage.unions] as { name: string; resolveType?: TypeResolver }[]) {
    const declared = meta.resolveType;
    const type = schema.getType(meta.name);
    if (!declared || !type || !isAbstractType(type)) continue;
    type.resolveType = (...args) => {
      const r = declared(...args);
      return r instanceof Promise ? r.then(nameOf) : nameOf(r);
    };
  }
}

/** Apollo's gateway hook serving one fixed schema with jitExecutor. */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  syncTypeResolvers(schema);
  return {
    async load() {
      return { schema, executor: jitExecutor(schema) };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {},
  };
}
