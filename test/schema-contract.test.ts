import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, inject, it } from 'vitest';
import { SCOPE_FILTER, scopeFilter } from '../src/db/scope-filter';
import { ormOptions } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { buildAppSchema, printAppSchema } from '../src/schema';

describe('schema and migrations', () => {
  it('schema/schema.graphql is what the code builds (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printAppSchema(await buildAppSchema())).toBe(committed);
  });

  it('the migrations build exactly what the entities describe', async () => {
    const orm = await MikroORM.init(ormOptions(inject('databaseUrl'), ENTITIES));
    try {
      const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: false });
      expect(diff.trim()).toBe('');
    } finally {
      await orm.close(true);
    }
  });
});

describe('row scoping cannot be forgotten', () => {
  it('every entity with an owning account, tenant or domain declares the default scope filter', async () => {
    const orm = await MikroORM.init({ ...ormOptions(inject('databaseUrl'), ENTITIES), connect: false });
    const missing: string[] = [];
    for (const meta of Object.values(orm.getMetadata().getAll())) {
      if (meta.abstract || meta.embeddable) continue;
      const owned = ['account', 'tenant', 'domain', 'membership'].some((p) => meta.properties[p]);
      const filter = meta.filters?.[SCOPE_FILTER];
      if (owned && (!filter || filter.default !== true)) missing.push(meta.className);
    }
    await orm.close(true);
    expect(missing).toEqual([]);
  });

  it('a query run without a scope throws instead of returning every client’s rows', async () => {
    const orm = await MikroORM.init(ormOptions(inject('databaseUrl'), ENTITIES));
    try {
      await expect(orm.em.fork().find(Tenant, {})).rejects.toThrow(/No arguments provided for filter 'scope'/);
    } finally {
      await orm.close(true);
    }
  });

  it('the public sees no rows at all', () => {
    const cond = scopeFilter(() => null).cond({ kind: 'public' });
    expect(cond).toEqual({ id: { $in: ['00000000-0000-0000-0000-000000000000'] } });
  });
});
