import { type EntityMetadata, type EntityProperty, ReferenceKind, type Ref } from '@mikro-orm/core';
import type { EntityManager, EntityName, FilterQuery, QBFilterQuery, QueryOrderMap } from '@mikro-orm/postgresql';

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
}

interface RowShape {
  /** Eager scalar columns by property name. */
  scalars: Set<string>;
  /** Many-to-one (and owning one-to-one) properties: read as their key, handed out as `{ id }`. */
  refs: string[];
  proto: object;
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
    shape = {
      scalars: new Set(props.filter((p) => p.kind === ReferenceKind.SCALAR).map((p) => p.name)),
      refs: props.filter(isRef).map((p) => p.name),
      proto: rowPrototype(meta.class),
    };
    shapes.set(meta, shape);
  }
  return shape;
}

/**
 * Reads rows as plain objects in one statement through MikroORM's QueryBuilder, with the entity
 * manager's filters applied (the `scope` filter bound to the principal), so a read sees exactly the
 * rows `em.find` would, without hydrating entities or filling the identity map. Only the wanted
 * scalar columns are selected. For reads only: a row cannot be changed and flushed.
 */
export async function readRows<T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>, opts: ReadRowsOptions<T> = {}): Promise<Row<T>[]> {
  const meta = em.getMetadata().get<T>(typeof entity === 'string' ? entity : (entity as { name: string }).name);
  const shape = shapeOf(meta);
  const wanted = opts.fields && opts.fields.every((f) => shape.scalars.has(f) || shape.refs.includes(f)) ? opts.fields : null;
  const scalars = wanted ? [...new Set(['id', ...wanted])].filter((f) => shape.scalars.has(f)) : [...shape.scalars];
  const qb = em
    .createQueryBuilder<T>(entity)
    .select([...scalars, ...shape.refs] as never)
    .where(where as QBFilterQuery<T>);
  if (opts.orderBy) qb.orderBy(opts.orderBy);
  if (opts.limit !== undefined) qb.limit(opts.limit);
  await qb.applyFilters();
  const raw = await qb.execute<Record<string, unknown>[]>('all', true);
  return raw.map((r) => {
    const row = Object.assign(Object.create(shape.proto) as Record<string, unknown>, r);
    for (const ref of shape.refs) {
      const key = r[ref];
      row[ref] = key === null || key === undefined ? null : { id: key };
    }
    return row as Row<T>;
  });
}
