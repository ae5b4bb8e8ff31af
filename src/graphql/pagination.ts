import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { countRows, readRows, type Row } from '../db/read-rows';
import { openInteger, sealInteger } from '../lib/crypto';
import { isUuid } from '../lib/ids';
import { badInput } from './errors';

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

/** `first`/`after` arguments of a connection field. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return (1–${MAX_PAGE}, default ${DEFAULT_PAGE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor.' })
  after?: string | null;
}

/**
 * `first`/`after` as services take them, plus `skip`: rows passed over before the page, for the doors
 * that number their pages (the REST API's `page`). Not a GraphQL argument.
 */
export type PageWindow = Pick<PageArgs, 'first' | 'after'> & { skip?: number };

/** Relay page info. */
@ObjectType({ description: 'Pagination state of a connection.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Whether items precede this page (true when `after` was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item; pass as `after` for the next page.' })
  endCursor!: string | null;
}

/** A page of rows with its cursors and the total count of the filtered set. */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Creates `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function Connection<T extends object>(node: ClassType<T>, name: string): ClassType<Page<T>> {
  @ObjectType(`${name}Edge`, { description: `An edge to a ${name}.` })
  class Edge {
    @Field(() => String, { description: 'Opaque cursor of this item.' })
    cursor!: string;

    @Field(() => node, { description: `The ${name}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
  class Conn {
    @Field(() => [Edge], { description: 'The items with their cursors.' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Pagination state.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many items match, over all pages.' })
    totalCount!: number;
  }
  return Conn;
}

/** Encodes a row id as an opaque cursor. */
export function encodeCursor(id: string): string {
  return Buffer.from(`c1:${id}`, 'utf8').toString('base64url');
}

/** Decodes a cursor (only the exact encoding `encodeCursor` makes) or throws BAD_USER_INPUT naming `after`. */
export function decodeCursor(cursor: string): string {
  const raw = typeof cursor === 'string' && /^[A-Za-z0-9_-]{1,80}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const id = raw.startsWith('c1:') ? raw.slice(3) : '';
  if (!isUuid(id) || encodeCursor(id) !== cursor) throw badInput('after', 'after is not a valid cursor');
  return id;
}

/**
 * Opaque cursor of a row ordered by a global sequence number (events): the number sealed under a
 * key derived from the server secret for `purpose`, bound to the caller's account. Deterministic,
 * so `after` resumes exactly; reveals nothing of the sequence or of rows outside the caller's scope.
 */
export function encodeSequenceCursor(secret: Buffer, purpose: string, accountId: string, seq: string): string {
  return sealInteger(secret, `cursor:${purpose}`, accountId, BigInt(seq));
}

/** Decodes an `encodeSequenceCursor` cursor of the caller's account, or throws BAD_USER_INPUT naming `field`. */
export function decodeSequenceCursor(secret: Buffer, purpose: string, accountId: string, cursor: string, field = 'after'): string {
  const seq = openInteger(secret, `cursor:${purpose}`, accountId, cursor);
  if (seq === null) throw badInput(field, `${field} is not a valid cursor`);
  return seq.toString();
}

/** Validates `first` or throws BAD_USER_INPUT naming it. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput('first', `first must be from 1 to ${MAX_PAGE}`);
  return first;
}

/**
 * Loads one page of an entity ordered by id (ids are time-ordered uuids) through the scoped
 * entity manager, so the count and the cursors see only rows in the caller's scope.
 */
export async function paginate<T extends { id: string }>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>, args: PageArgs): Promise<Page<T>> {
  const first = pageSize(args.first);
  const afterId = args.after ? decodeCursor(args.after) : null;
  const [rows, totalCount] = await Promise.all([em.find(entity, pageWhere(where, afterId), { orderBy: { id: 'asc' } as never, limit: first + 1 }), em.count(entity, where)]);
  return toPage(rows, first, afterId, totalCount);
}

/**
 * The same page as `paginate`, read as plain rows (see readRows: the scope filter applies, no
 * entities are hydrated): for lists whose items are only read and shown. `order: 'desc'` lists
 * newest first (ids are time-ordered), `after` then continuing with older rows.
 */
export async function paginateRows<T extends { id: string }>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>, args: PageWindow, order: 'asc' | 'desc' = 'asc'): Promise<Page<Row<T>>> {
  const first = pageSize(args.first);
  const afterId = args.after ? decodeCursor(args.after) : null;
  const skip = args.skip ?? 0;
  const [rows, totalCount] = await Promise.all([
    readRows(em, entity, pageWhere(where, afterId, order), { orderBy: { id: order } as never, limit: first + 1, offset: skip || undefined }),
    countRows(em, entity, where),
  ]);
  const page = toPage(rows as (Row<T> & { id: string })[], first, afterId, totalCount);
  if (skip > 0) page.pageInfo.hasPreviousPage = true;
  return page;
}

// Oldest first (asc) continues with greater ids; newest first (desc) with smaller ones.
function pageWhere<T>(where: FilterQuery<T>, afterId: string | null, order: 'asc' | 'desc' = 'asc'): FilterQuery<T> {
  return (afterId ? { $and: [where, { id: order === 'asc' ? { $gt: afterId } : { $lt: afterId } }] } : where) as FilterQuery<T>;
}

/** A page of rows fetched with `first + 1` (the extra row says a next page exists), cursors by id; `map` turns each row into its node. */
export function toPage<N extends { id: string }, T = N>(rows: N[], first: number, afterId: string | null, totalCount: number, map: (row: N) => T = (r) => r as unknown as T): Page<T> {
  const items = rows.slice(0, first);
  const edges = items.map((row) => ({ cursor: encodeCursor(row.id), node: map(row) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: afterId !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
