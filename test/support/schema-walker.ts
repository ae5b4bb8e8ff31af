import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { unique } from './factories';

/** One generated operation: a document and its variables. */
export interface GeneratedOperation {
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

const NODE_TYPES = [
  'WebhookDelivery',
  'WebhookReplay',
  'Webhook',
  'SenderIdentity',
  'ApiToken',
  'Template',
  'Tenant',
  'Domain',
  'Member',
  'SystemEmail',
  'Account',
  'Suppression',
  'Report',
  'BlocklistMonitor',
  'BlocklistCheck',
  'BlocklistAlert',
];

/** Analytics operations: their range starts two days back (so it covers the seeded rollups), with no relative range and no tag condition. */
const ANALYTICS_OPS = /^(analytics|createReport|updateReport|exportAnalytics)$/;

/** Which node type an ID argument or input field points at, guessed from its name and the operation's. */
export function targetType(fieldName: string, operationName: string): string | null {
  const base = fieldName.replace(/Ids?$/, '');
  if (base && base !== 'id') {
    const hit = NODE_TYPES.find((t) => t.toLowerCase() === base.toLowerCase());
    if (hit) return hit;
  }
  return NODE_TYPES.find((t) => operationName.toLowerCase().includes(t.toLowerCase())) ?? null;
}

function scalarValue(typeName: string, field: string): unknown {
  switch (typeName) {
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return /force|paused/i.test(field) ? true : false;
    case 'DateTime':
      return new Date(Date.now() + 86400_000).toISOString();
    case 'JSONObject':
      return {};
    default:
      if (/email/i.test(field)) return `${unique('m')}@matrix.example.com`;
      if (/password/i.test(field)) return 'matrix-password-123';
      if (/^name$/i.test(field) && false) return 'x';
      if (/tag/i.test(field)) return unique('tag');
      if (/html/i.test(field)) return '<p>hi {{ name }}</p>';
      if (/subdomain/i.test(field)) return 'mx';
      if (/token/i.test(field)) return 'mr_link_000000000000000000000000000000000000000000000000000';
      if (/name/i.test(field) && /domain|^name$/i.test(field) === false) return 'Matrix';
      if (field === 'name') return 'matrix.example.com';
      return 'matrix value';
  }
}

/** Replaces the value of a scalar (by type name and field); undefined keeps the ordinary one. Used to aim bad input at every field. */
export type ScalarOverride = (typeName: string, field: string, ordinary: unknown) => unknown;

/** Builds a value for an input type; ID fields get `pickId(targetType)`. */
export function inputValue(type: GraphQLInputType, field: string, op: string, pickId: (t: string | null) => string, override?: ScalarOverride): unknown {
  if (isNonNullType(type)) return inputValue(type.ofType, field, op, pickId, override);
  if (isListType(type)) return [inputValue(type.ofType, field, op, pickId, override)];
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      if (ANALYTICS_OPS.test(op) && (f.name === 'lastDays' || f.name === 'tags')) continue;
      out[f.name] = inputValue(f.type, f.name, op, pickId, override);
    }
    return out;
  }
  if (isEnumType(type)) return type.getValues()[0].value;
  const name = (type as GraphQLNamedType).name;
  const ordinary =
    isScalarType(type) && name === 'ID'
      ? pickId(targetType(field, op))
      : name === 'DateTime' && field === 'from' && ANALYTICS_OPS.test(op)
        ? new Date(Date.now() - 2 * 86400_000).toISOString()
        : scalarValue(name, field);
  const replaced = override?.(name, field, ordinary);
  return replaced === undefined ? ordinary : replaced;
}

function selection(type: GraphQLOutputType, schema: GraphQLSchema, depth: number): string {
  const named = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (depth <= 0) return isObjectType(named) || isInterfaceType(named) ? '{ __typename }' : '';
  if (isInterfaceType(named) || isUnionType(named)) {
    const parts = schema.getPossibleTypes(named).map((t) => `... on ${t.name} ${selection(t, schema, depth)}`);
    return `{ __typename ${parts.join(' ')} }`;
  }
  if (!isObjectType(named)) return '';
  const fields = Object.values(named.getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type)));
  const parts = fields.map((f) => {
    const sub = selection(f.type, schema, depth - 1);
    const named2 = getNamedType(f.type);
    if (sub === '' && (isObjectType(named2) || isInterfaceType(named2))) return '';
    return `${f.name} ${sub}`;
  });
  return `{ ${['__typename', ...parts.filter(Boolean)].join(' ')} }`;
}

/** Builds operations for a root field: one per candidate id (or one when it takes no id). */
export function operationsFor(
  schema: GraphQLSchema,
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  ids: (t: string | null) => string[],
  depth = 3,
  opts: { override?: ScalarOverride; allArgs?: boolean } = {},
): GeneratedOperation[] {
  const sel = selection(field.type, schema, depth);
  const varDefs = field.args.map((a: GraphQLArgument) => `$${a.name}: ${a.type.toString()}`);
  const argList = field.args.map((a) => `${a.name}: $${a.name}`);
  const query = `${kind}${varDefs.length ? `(${varDefs.join(', ')})` : ''} { ${field.name}${argList.length ? `(${argList.join(', ')})` : ''} ${sel} }`;
  const ops: GeneratedOperation[] = [];
  const candidateLists = new Set<string>();
  // Walk once with a recording picker to learn which id types the operation needs.
  const needed: (string | null)[] = [];
  for (const a of field.args) inputValue(a.type, a.name, field.name, (t) => (needed.push(t), 'x'));
  const types = [...new Set(needed)];
  const rounds = Math.max(1, ...types.map((t) => ids(t).length));
  for (let i = 0; i < rounds; i++) {
    const variables: Record<string, unknown> = {};
    for (const a of field.args) {
      const optional = !isNonNullType(a.type);
      if (optional && !opts.allArgs && !/^(id|input|.*Id)$/.test(a.name)) continue;
      variables[a.name] = inputValue(
        a.type,
        a.name,
        field.name,
        (t) => {
          const list = ids(t);
          return list.length ? list[i % list.length] : 'bm9uZQ';
        },
        opts.override,
      );
    }
    const key = JSON.stringify(variables);
    if (candidateLists.has(key)) continue;
    candidateLists.add(key);
    ops.push({ field: field.name, query, variables });
  }
  return ops;
}
