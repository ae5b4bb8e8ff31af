import { type FieldNode, getNamedType, type GraphQLResolveInfo, isObjectType, Kind, type SelectionSetNode } from 'graphql';
import { Extensions } from 'type-graphql';

const KEY = 'rowColumns';

/**
 * Declares which columns of its parent row a computed field reads (the row's id and relation keys
 * are always read), so a list loader can select only what a query asks for. A computed field
 * without it makes the loader read every column, which is always correct.
 */
export function ReadsColumns(...columns: string[]): MethodDecorator & PropertyDecorator {
  return Extensions({ [KEY]: columns });
}

function collect(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: Set<string>, seen: Set<string>): void {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) out.add(sel.name.value);
    else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet, info, out, seen);
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      collect(info.fragments[sel.name.value]?.selectionSet, info, out, seen);
    }
  }
}

/**
 * The row columns the selection of this (list or object) field needs from each item: a field names its
 * own property, unless it declared others with ReadsColumns. A name that is not a column of the row
 * (a computed field that declared nothing) makes readRows read every column. Fragments count in full,
 * whatever their type condition or @skip/@include: a superset is still correct.
 */
export function selectedColumns(info: GraphQLResolveInfo): string[] | undefined {
  // The same field of the same document asks the same columns each time (a list of 100 parents asks 100 times).
  const nodes = info.fieldNodes;
  const hit = cache.get(nodes[0]);
  if (hit && hit.returnType === info.returnType && hit.nodes.length === nodes.length && hit.nodes.every((n, i) => n === nodes[i])) return hit.columns;
  const columns = computeColumns(info);
  cache.set(nodes[0], { nodes: [...nodes], returnType: info.returnType, columns });
  return columns;
}

/** Per field node of a document (documents are cached and reused): what `selectedColumns` found for it. */
const cache = new WeakMap<FieldNode, { nodes: readonly FieldNode[]; returnType: GraphQLResolveInfo['returnType']; columns: string[] | undefined }>();

function computeColumns(info: GraphQLResolveInfo): string[] | undefined {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return undefined;
  const names = new Set<string>();
  const seen = new Set<string>();
  for (const node of info.fieldNodes as FieldNode[]) collect(node.selectionSet, info, names, seen);
  const fields = type.getFields();
  const columns = new Set<string>();
  for (const name of names) {
    if (name === '__typename') continue;
    const field = fields[name];
    if (!field) return undefined;
    const declared = field.extensions?.[KEY] as string[] | undefined;
    if (declared) for (const c of declared) columns.add(c);
    else columns.add(name);
  }
  return [...columns].sort();
}
