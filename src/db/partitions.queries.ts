import type { EntityManager } from '@mikro-orm/postgresql';

/** A bounded range partition of a table with its upper bound (exclusive). */
export interface Partition {
  name: string;
  upper: Date;
}

/** The bounded range partitions of `parent` (not its default one), oldest first. System read (catalog). */
export async function boundedPartitions(em: EntityManager, parent: string): Promise<Partition[]> {
  if (!/^[a-z_]+$/.test(parent)) throw new Error(`not a table name: ${parent}`);
  const rows = await em.execute<{ name: string; upper: string }[]>(
    `select c.relname as name, to_char((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as upper
     from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = ?::regclass and pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
     order by 2`,
    [parent],
  );
  return rows.filter((r) => r.upper).map((r) => ({ name: r.name, upper: new Date(r.upper) }));
}
