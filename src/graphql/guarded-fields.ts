import { type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema, isObjectType } from 'graphql';
import { type AuthCheckerFn, AuthenticationError, AuthorizationError, getMetadataStorage } from 'type-graphql';

type Param = { kind: string; index: number; propertyName?: string; getType?: unknown };

// Per request (the context object): the role lists whose check already passed.
const passed = new WeakMap<object, Set<string>>();

/**
 * Runs the auth checker for `roles` at most once per request when it passes (the answer depends only
 * on the principal and the roles); a refusal is not remembered, so every refused field gets its own
 * error, thrown exactly as type-graphql's `authMode: 'error'` would.
 */
async function refuse(checker: AuthCheckerFn<object, string>, root: unknown, args: object, context: object, info: GraphQLResolveInfo, roles: string[]): Promise<never> {
  const granted = await checker({ root, args, context, info }, roles);
  if (granted) throw new Error('auth checker passed after refusing');
  throw roles.length === 0 ? new AuthenticationError() : new AuthorizationError();
}

function guard(checker: AuthCheckerFn<object, string>, roles: string[]): (root: unknown, args: object, context: object, info: GraphQLResolveInfo) => Promise<never> | null {
  const key = roles.join(',');
  return (root, args, context, info) => {
    const done = passed.get(context);
    if (done?.has(key)) return null;
    let granted: unknown;
    try {
      granted = checker({ root, args, context, info }, roles);
    } catch (e) {
      return Promise.reject(e);
    }
    if (granted !== true) return refuse(checker, root, args, context, info, roles);
    if (done) done.add(key);
    else passed.set(context, new Set([key]));
    return null;
  };
}

function paramReader(p: Param): ((root: unknown, context: object, info: GraphQLResolveInfo) => unknown) | null {
  if (p.kind === 'root' && !p.propertyName && !p.getType) return (root) => root;
  if (p.kind === 'context' && !p.propertyName) return (_r, context) => context;
  if (p.kind === 'info') return (_r, _c, info) => info;
  return null;
}

/**
 * Makes field resolvers of resolver classes (`@FieldResolver` taking only `@Root()`, `@Ctx()` and
 * `@Info()`, without middleware) run without type-graphql's per-field wrapper, with their
 * `@Authorized` roles checked once per request instead of once per field instance (see guard).
 * Resolvers taking arguments or using middleware keep the wrapper. Call once on the built schema,
 * built with `authMode: 'error'` and no global middlewares. Returns how many fields changed.
 */
export function resolveGuardedFieldsDirectly(schema: GraphQLSchema, checker: AuthCheckerFn<object, string>): number {
  const storage = getMetadataStorage();
  let changed = 0;
  for (const r of storage.fieldResolvers) {
    if (r.kind !== 'external' || r.middlewares?.length) continue;
    const owner = r.getObjectType?.();
    const objectType = storage.objectTypes.find((o) => o.target === owner);
    const type = objectType && schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    const field = type.getFields()[r.schemaName];
    if (!field || field.args.length) continue;
    if (storage.fieldResolvers.some((o) => o !== r && o.schemaName === r.schemaName && o.getObjectType?.() === owner)) continue;
    const params = [...((r.params ?? []) as Param[])].sort((a, b) => a.index - b.index);
    const readers = params.map(paramReader);
    if (readers.some((x) => x === null)) continue;
    const read = readers as NonNullable<ReturnType<typeof paramReader>>[];
    const instance = new (r.target as new () => Record<string, (...a: unknown[]) => unknown>)();
    const method = instance[r.methodName].bind(instance);
    const check = r.roles ? guard(checker, r.roles as string[]) : null;
    const resolve: GraphQLFieldResolver<unknown, object> = (root, args, context, info) => {
      const refused = check?.(root, args, context, info);
      if (refused) return refused;
      try {
        return method(...read.map((f) => f(root, context, info)));
      } catch (e) {
        return Promise.reject(e); // as from type-graphql's (async) wrapper
      }
    };
    field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
    changed++;
  }
  return changed;
}
