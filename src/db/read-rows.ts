import { type EntityMetadata, type EntityProperty, ReferenceKind, type Ref } from '@mikro-orm/core';
import type { EntityManager, EntityName, FilterQuery, QBFilterQuery, QueryOrderMap } from '@mikro-orm/postgresql';
import type { ScopeFilterArgs } from '../auth/scope';
import { runRenderedRead } from './read-rows.queries';
import { SCOPE_FILTER } from './scope-filter';

/**
 * A plain, read-only row of an entity: its columns, each many-to-one relation as `{ id }` (or null),
 * and the entity's getters (`gid`, `nodeType`); no methods, no ORM state, not in any identity map.
 * An entity is assignable to its Row, so code that only reads can take either.
 */
export type Row<T> = {
  readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] extends Ref<object>
    ? { readonly id: string }
    : T[K] extends Ref<object> | null
      ? { readonly id: string } | null
      : T[K];
};

/** What to read: the scalar properties wanted (default: every eagerly loaded one), order and limit. */
export interface ReadRowsOptions<T> {
  /**
   * Property names the caller needs; `id` and the many-to-one keys are always read. A name that is
   * not an eagerly loaded scalar or relation (say, a computed GraphQL field) means every column.
   */
  fields?: readonly string[];
  orderBy?: QueryOrderMap<T>;
  limit?: number;
  /** Rows passed over before the first one read (after ordering). */
  offset?: number;
}

interface RowShape {
  /** Eager scalar columns by property name. */
  scalars: Set<string>;
  /** Many-to-one (and owning one-to-one) properties: read as their key, handed out as `{ id }`. */
  refs: string[];
  proto: object;
  /** Quoted table name. */
  table: string;
  /** Quoted column of each eager scalar and relation key, by property name. */
  columns: Map<string, string>;
  /** Properties a condition may compare as plain values (no custom type, one column). */
  comparable: Set<string>;
  /** Whether the scope filter is the entity's only filter, so the SQL below applies all of them. */
  onlyScopeFilter: boolean;
}

const shapes = new WeakMap<EntityMetadata, RowShape>();

function isRef(p: EntityProperty): boolean {
  return p.kind === ReferenceKind.MANY_TO_ONE || (p.kind === ReferenceKind.ONE_TO_ONE && p.owner);
}

// The prototype rows share: the entity's own getters (computed from columns, e.g. `gid`), nothing the ORM defines.
function rowPrototype(cls: Function): object {
  const proto: Record<string, PropertyDescriptor> = {};
  for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (d.get && !name.startsWith('__') && !(name in proto)) proto[name] = { get: d.get, enumerable: false, configurable: false };
    }
  }
  return Object.create(Object.prototype, proto);
}

function shapeOf(meta: EntityMetadata): RowShape {
  let shape = shapes.get(meta);
  if (!shape) {
    const props = meta.props.filter((p) => !p.lazy && p.persist !== false && p.fieldNames?.length);
    const mapped = props.filter((p) => p.kind === ReferenceKind.SCALAR || isRef(p));
    const filters = Object.keys(meta.filters ?? {});
    shape = {
      scalars: new Set(props.filter((p) => p.kind === ReferenceKind.SCALAR).map((p) => p.name)),
      refs: props.filter(isRef).map((p) => p.name),
      proto: rowPrototype(meta.class),
      table: quote(meta.tableName),
      columns: new Map(mapped.map((p) => [p.name, quote(p.fieldNames[0])])),
      comparable: new Set(mapped.filter((p) => p.fieldNames.length === 1 && !p.customType && !p.array).map((p) => p.name)),
      onlyScopeFilter: filters.length === 1 && filters[0] === SCOPE_FILTER,
    };
    shapes.set(meta, shape);
  }
  return shape;
}

function quote(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected identifier ${name}`);
  return `"${name}"`;
}

const COMPARISONS: Record<string, string> = { $eq: '=', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

function isPlainValue(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

/**
 * Renders the part of MikroORM's query language that lists and their scope filters use — `$and`,
 * `$or`, and per property a value, null, `$in`, `$ne: null` or a comparison, on the entity's own
 * columns — as SQL with `?` parameters in `params`. Anything else (a relation path, a custom type, an
 * operator not listed) returns null, and the caller goes through the QueryBuilder instead: this is
 * a shortcut for the shapes it knows, never a second meaning of a condition.
 */
function renderWhere(shape: RowShape, where: unknown, params: unknown[]): string | null {
  if (where === null || typeof where !== 'object' || Array.isArray(where)) return null;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) return null;
      const subs: string[] = [];
      for (const v of value) {
        const sub = renderWhere(shape, v, params);
        if (sub === null) return null;
        subs.push(`(${sub})`);
      }
      parts.push(`(${subs.join(key === '$and' ? ' and ' : ' or ')})`);
      continue;
    }
    const col = shape.columns.get(key);
    if (!col || !shape.comparable.has(key)) return null;
    if (value === null) parts.push(`${col} is null`);
    else if (isPlainValue(value)) {
      params.push(value);
      parts.push(`${col} = ?`);
    } else if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      const ops = Object.entries(value as Record<string, unknown>);
      if (ops.length === 0) return null;
      for (const [op, v] of ops) {
        if (op === '$in') {
          if (!Array.isArray(v) || v.length === 0 || !v.every(isPlainValue)) return null;
          params.push(...v);
          parts.push(`${col} in (${v.map(() => '?').join(', ')})`);
        } else if (op === '$ne' && v === null) parts.push(`${col} is not null`);
        else if (COMPARISONS[op] && isPlainValue(v)) {
          params.push(v);
          parts.push(`${col} ${COMPARISONS[op]} ?`);
        } else return null;
      }
    } else return null;
  }
  return parts.length ? parts.join(' and ') : 'true';
}

/**
 * The statement's `from … where` (the caller's condition and the entity's scope filter as the entity
 * manager has it bound), or null when it is not one `renderWhere` knows.
 */
function renderFromWhere<T extends object>(em: EntityManager, meta: EntityMetadata<T>, shape: RowShape, where: FilterQuery<T>, params: unknown[]): string | null {
  if (!shape.onlyScopeFilter || Object.keys(em.config.get('filters') ?? {}).length > 0) return null;
  const args = em.getFilterParams<ScopeFilterArgs>(SCOPE_FILTER) as ScopeFilterArgs | undefined;
  const cond = (meta.filters[SCOPE_FILTER] as unknown as { cond: (a: ScopeFilterArgs) => unknown } | undefined)?.cond;
  if (!args || !cond) return null;
  const scoped = cond(args);
  if (scoped instanceof Promise) return null;
  const own = renderWhere(shape, where, params);
  const scope = own === null ? null : renderWhere(shape, scoped, params);
  if (own === null || scope === null) return null;
  return `from ${shape.table} where (${own}) and (${scope})`;
}

function renderOrder<T>(shape: RowShape, orderBy: QueryOrderMap<T> | undefined): string | null {
  if (!orderBy) return '';
  const parts: string[] = [];
  for (const [prop, dir] of Object.entries(orderBy as Record<string, unknown>)) {
    const col = shape.columns.get(prop);
    const d = typeof dir === 'string' ? dir.toLowerCase() : null;
    if (!col || (d !== 'asc' && d !== 'desc')) return null;
    parts.push(`${col} ${d}`);
  }
  return parts.length ? ` order by ${parts.join(', ')}` : '';
}

/**
 * Reads rows as plain objects in one statement, with the entity manager's filters applied (the
 * `scope` filter bound to the principal), so a read sees exactly the rows `em.find` would, without
 * hydrating entities or filling the identity map. Only the wanted scalar columns are selected. The
 * usual shapes (see renderWhere) are written as SQL directly; any other goes through MikroORM's
 * QueryBuilder (`readRowsWithQueryBuilder`), which a test holds equal to it. For reads only: a row
 * cannot be changed and flushed.
 */
export async function readRows<T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>, opts: ReadRowsOptions<T> = {}): Promise<Row<T>[]> {
  const meta = em.getMetadata().get<T>(typeof entity === 'string' ? entity : (entity as { name: string }).name);
  const shape = shapeOf(meta);
  const params: unknown[] = [];
  const fromWhere = renderFromWhere(em, meta, shape, where, params);
  const order = fromWhere === null ? null : renderOrder(shape, opts.orderBy);
  if (fromWhere === null || order === null) return readRowsWithQueryBuilder(em, entity, where, opts);
  const select = [...selectedScalars(shape, opts.fields), ...shape.refs].map((p) => `${shape.columns.get(p)!}`);
  let sql = `select ${select.join(', ')} ${fromWhere}${order}`;
  if (opts.limit !== undefined) {
    params.push(opts.limit);
    sql += ' limit ?';
  }
  if (opts.offset !== undefined) {
    params.push(opts.offset);
    sql += ' offset ?';
  }
  const raw = await runRenderedRead(em, sql, params);
  const driver = em.getDriver();
  return raw.map((r) => toRow(shape, driver.mapResult(r as never, meta) as Record<string, unknown>));
}

/**
 * Counts the rows `readRows` would read for `where` (no limit), under the same filters: one `count(*)`
 * written directly for the usual shapes, otherwise `em.count`.
 */
export async function countRows<T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>): Promise<number> {
  const meta = em.getMetadata().get<T>(typeof entity === 'string' ? entity : (entity as { name: string }).name);
  const params: unknown[] = [];
  const fromWhere = renderFromWhere(em, meta, shapeOf(meta), where, params);
  if (fromWhere === null) return em.count(entity, where);
  const [row] = await runRenderedRead(em, `select count(*) as "count" ${fromWhere}`, params);
  return Number(row.count);
}

function selectedScalars(shape: RowShape, fields: readonly string[] | undefined): string[] {
  const wanted = fields && fields.every((f) => shape.scalars.has(f) || shape.refs.includes(f)) ? fields : null;
  return wanted ? [...new Set(['id', ...wanted])].filter((f) => shape.scalars.has(f)) : [...shape.scalars];
}

function toRow<T>(shape: RowShape, r: Record<string, unknown>): Row<T> {
  const row = Object.assign(Object.create(shape.proto) as Record<string, unknown>, r);
  for (const ref of shape.refs) {
    const key = r[ref];
    row[ref] = key === null || key === undefined ? null : { id: key };
  }
  return row as Row<T>;
}

/** `readRows` through MikroORM's QueryBuilder: every condition it understands, the filters applied by it. */
export async function readRowsWithQueryBuilder<T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>, opts: ReadRowsOptions<T> = {}): Promise<Row<T>[]> {
  const meta = em.getMetadata().get<T>(typeof entity === 'string' ? entity : (entity as { name: string }).name);
  const shape = shapeOf(meta);
  const qb = em
    .createQueryBuilder<T>(entity)
    .select([...selectedScalars(shape, opts.fields), ...shape.refs] as never)
    .where(where as QBFilterQuery<T>);
  if (opts.orderBy) qb.orderBy(opts.orderBy);
  if (opts.limit !== undefined) qb.limit(opts.limit);
  if (opts.offset !== undefined) qb.offset(opts.offset);
  await qb.applyFilters();
  const raw = await qb.execute<Record<string, unknown>[]>('all', true);
  return raw.map((r) => toRow<T>(shape, r));
}
