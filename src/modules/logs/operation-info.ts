import { type DocumentNode, Kind, type OperationDefinitionNode, type ValueNode, getOperationAST } from 'graphql';
import { parseGlobalId } from '../../graphql/global-id';
import { isUuid } from '../../lib/ids';

/** What a request log says about the operation itself. */
export interface OperationInfo {
  type: 'query' | 'mutation' | 'subscription';
  name: string | null;
  /** Root fields called (names, not aliases), in document order, each once. */
  fields: string[];
}

/** The operation a document and name select, with its root fields (fragments on the root followed); null when none is selected. Pure. */
export function operationInfo(document: DocumentNode, operationName: string | null | undefined): OperationInfo | null {
  const op = getOperationAST(document, operationName ?? undefined);
  if (!op) return null;
  const fields = new Set<string>();
  collectRootFields(document, op.selectionSet.selections, fields, new Set());
  return { type: op.operation, name: op.name?.value ?? null, fields: [...fields] };
}

function collectRootFields(document: DocumentNode, selections: OperationDefinitionNode['selectionSet']['selections'], into: Set<string>, seen: Set<string>): void {
  for (const s of selections) {
    if (s.kind === Kind.FIELD) into.add(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT) collectRootFields(document, s.selectionSet.selections, into, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const def = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value);
      if (def?.kind === Kind.FRAGMENT_DEFINITION) collectRootFields(document, def.selectionSet.selections, into, seen);
    }
  }
}

/** Tenants and domains an operation names (global ids under `tenantId(s)` / `domainId(s)` in its variables or literal arguments). */
export interface TouchedIds {
  tenantIds: string[];
  domainIds: string[];
}

const KEYS: Record<string, 'Tenant' | 'Domain'> = { tenantId: 'Tenant', tenantIds: 'Tenant', domainId: 'Domain', domainIds: 'Domain' };
const MAX_TOUCHED = 50;

function add(out: { Tenant: Set<string>; Domain: Set<string> }, type: 'Tenant' | 'Domain', gid: unknown): void {
  const parsed = typeof gid === 'string' ? parseGlobalId(gid) : null;
  if (parsed && parsed.type === type && isUuid(parsed.id) && out[type].size < MAX_TOUCHED) out[type].add(parsed.id);
}

function walkJson(value: unknown, out: { Tenant: Set<string>; Domain: Set<string> }, depth: number): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) walkJson(v, out, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const type = KEYS[k];
    if (type) for (const gid of Array.isArray(v) ? v : [v]) add(out, type, gid);
    else walkJson(v, out, depth + 1);
  }
}

function walkLiteral(name: string, value: ValueNode, out: { Tenant: Set<string>; Domain: Set<string> }): void {
  const type = KEYS[name];
  if (type && value.kind === Kind.STRING) add(out, type, value.value);
  else if (type && value.kind === Kind.LIST) {
    for (const v of value.values) if (v.kind === Kind.STRING) add(out, type, v.value);
  } else if (value.kind === Kind.OBJECT) {
    for (const f of value.fields) walkLiteral(f.name.value, f.value, out);
  }
}

/** The tenant and domain ids the operation names, as uuids (malformed ids are ignored; at most 50 of each). Pure. */
export function touchedIds(document: DocumentNode, variables: unknown): TouchedIds {
  const out = { Tenant: new Set<string>(), Domain: new Set<string>() };
  walkJson(variables, out, 0);
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const s of def.selectionSet.selections) if (s.kind === Kind.FIELD) for (const a of s.arguments ?? []) walkLiteral(a.name.value, a.value, out);
  }
  return { tenantIds: [...out.Tenant], domainIds: [...out.Domain] };
}
