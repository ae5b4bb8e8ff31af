import { type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

function classChain(target: Function): Function[] {
  const chain: Function[] = [];
  for (let c: Function | null = target; c && c !== Function.prototype; c = Object.getPrototypeOf(c) as Function | null) chain.push(c);
  return chain;
}

/**
 * Makes every field that only reads a property resolve as a plain property read, without
 * type-graphql's per-field wrapper (resolver data, middleware chain). A field keeps its wrapper when
 * any declaration of it has @Authorized roles, middleware or arguments, or a field resolver computes
 * it; so guards and computed fields are untouched. Call once on the built schema (no global
 * middlewares are configured: with some, nothing here would be safe). Returns how many fields changed.
 */
export function resolvePlainFieldsDirectly(schema: GraphQLSchema): number {
  const storage = getMetadataStorage();
  const computed = new Map<Function, Set<string>>();
  for (const r of storage.fieldResolvers) {
    const owner = r.getObjectType?.();
    if (owner) computed.set(owner, (computed.get(owner) ?? new Set()).add(r.schemaName));
  }
  let changed = 0;
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    const interfaces = storage.interfaceTypes.filter((i) => objectType.interfaceClasses?.includes(i.target)).map((i) => i.target);
    const targets = new Set([...classChain(objectType.target), ...interfaces.flatMap(classChain)]);
    const declarations = new Map<string, typeof storage.fields>();
    for (const f of storage.fields) if (targets.has(f.target)) declarations.set(f.schemaName, [...(declarations.get(f.schemaName) ?? []), f]);
    for (const [schemaName, decls] of declarations) {
      const field = type.getFields()[schemaName];
      if (!field || field.args.length) continue;
      if ([...targets].some((t) => computed.get(t)?.has(schemaName))) continue;
      if (decls.some((d) => d.roles?.length || d.middlewares?.length || d.params?.length)) continue;
      const names = new Set(decls.map((d) => d.name));
      if (names.size !== 1) continue;
      const [property] = names;
      const read: GraphQLFieldResolver<Record<string, unknown>, unknown> = (root) => root[property];
      field.resolve = read as GraphQLFieldResolver<unknown, unknown>;
      changed++;
    }
  }
  return changed;
}
