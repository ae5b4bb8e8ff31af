import type { EntityName } from '@mikro-orm/core';
import type DataLoader from 'dataloader';
import type { Context } from '../context';

/** A per-request loader of rows by id, through the scoped entity manager (out-of-scope ids load as null). */
export function byIdLoader<T extends { id: string }>(ctx: Context, entity: EntityName<T> & { name: string }): DataLoader<string, T | null> {
  return ctx.loader<string, T | null>(`byId:${entity.name}`, async (ids) => {
    const rows = await ctx.em.find(entity, { id: { $in: [...ids] } } as never);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/**
 * A per-request loader of child rows by parent id (`fk` is the relation property), one query per
 * batch, through the scoped entity manager; children are ordered by id.
 */
export function childrenLoader<T extends { id: string }>(ctx: Context, entity: EntityName<T> & { name: string }, fk: string): DataLoader<string, T[]> {
  return ctx.loader<string, T[]>(`children:${entity.name}:${fk}`, async (parentIds) => {
    const rows = await ctx.em.find(entity, { [fk]: { $in: [...parentIds] } } as never, { orderBy: { id: 'asc' } as never });
    const groups = new Map<string, T[]>();
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
