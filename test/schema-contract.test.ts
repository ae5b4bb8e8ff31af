import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, inject, it } from 'vitest';
import { SCOPE_FILTER, scopeFilter } from '../src/db/scope-filter';
import { ormOptions } from '../src/db/orm';
import { isEnumType, isObjectType, type GraphQLInterfaceType } from 'graphql';
import { ENTITIES, NODE_TYPES } from '../src/modules/modules';
import { Tenant } from '../src/modules/tenants/tenant.entity';
import { buildAppSchema, printAppSchema } from '../src/schema';

describe('schema and migrations', () => {
  it('schema/schema.graphql is what the code builds (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printAppSchema(await buildAppSchema())).toBe(committed);
  });

  it('every enum and every enum value is described (the schema is the API’s documentation)', async () => {
    const schema = await buildAppSchema();
    const undescribed: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isEnumType(type) || type.name.startsWith('__')) continue;
      if (!type.description?.trim()) undescribed.push(type.name);
      for (const v of type.getValues()) if (!v.description?.trim()) undescribed.push(`${type.name}.${v.name}`);
    }
    expect(undescribed).toEqual([]);
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

describe('feature manifests agree with the schema', () => {
  it('every type that implements Node is one that node(id) can load', async () => {
    const schema = await buildAppSchema();
    const node = schema.getType('Node') as GraphQLInterfaceType;
    const implementers = Object.values(schema.getTypeMap())
      .filter((t) => isObjectType(t) && t.getInterfaces().includes(node))
      .map((t) => t.name)
      .sort();
    expect(implementers.length).toBeGreaterThan(5);
    expect([...NODE_TYPES.keys()].sort()).toEqual(implementers);
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
