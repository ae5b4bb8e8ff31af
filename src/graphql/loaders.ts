import type { EntityName } from '@mikro-orm/core';
import type DataLoader from 'dataloader';
import type { Context } from '../context';
import { readRows, type Row } from '../db/read-rows';

/** A per-request loader of rows by id, through the scoped entity manager (out-of-scope ids load as null). */
export function byIdLoader<T extends { id: string }>(ctx: Context, entity: EntityName<T> & { name: string }): DataLoader<string, T | null> {
  return ctx.loader<string, T | null>(`byId:${entity.name}`, async (ids) => {
    const rows = await ctx.em.find(entity, { id: { $in: [...ids] } } as never);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/**
 * A per-request loader of child rows by parent id (`fk` is the relation property), one statement
 * per batch, through the scoped entity manager (its scope filter applies); children are ordered by
 * id and come as plain rows (see readRows), not entities. `columns` (see selectedColumns) limits
 * what is read; each set of columns has its own loader, so no row is ever missing a wanted column.
 */
export function childrenLoader<T extends { id: string }>(ctx: Context, entity: EntityName<T> & { name: string }, fk: string, columns?: readonly string[]): DataLoader<string, Row<T>[]> {
  return ctx.loader<string, Row<T>[]>(`children:${entity.name}:${fk}:${columns?.join(',') ?? '*'}`, async (parentIds) => {
    const rows = await readRows(ctx.em, entity, { [fk]: { $in: [...parentIds] } } as never, { orderBy: { id: 'asc' } as never, fields: columns });
    const groups = new Map<string, Row<T>[]>();
    for (const row of rows) {
      const ref = (row as Record<string, unknown>)[fk] as { id: string } | null;
      if (!ref) continue;
      const list = groups.get(ref.id) ?? [];
      list.push(row);
      groups.set(ref.id, list);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}
