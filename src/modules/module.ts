import type { EntityClass, EventSubscriber } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TaskList } from 'graphile-worker';
import type { Permission } from '../auth/permissions';
import type { Config } from '../config';
import type { Context, Deps } from '../context';
import type { Node } from '../graphql/node';
import type { EventConsumer } from '../events/consumers';
import type { HttpRoute } from '../http/routes';

/** What job handlers are built with. */
export interface TaskDeps {
  orm: MikroORM;
  config: Config;
  deps: Deps;
}

/**
 * A type that implements `Node`, for `node(id)`: the permission reading one needs (null: any
 * authenticated principal), and either the entity to load by uuid through the scoped entity manager,
 * or a `load` of its own for keys that are not uuids (it gets the whole global id).
 */
export type NodeType =
  | { permission: Permission | null; entity: EntityClass<Node & { id: string }>; load?: undefined }
  | { permission: Permission | null; load(ctx: Context, gid: string): Promise<Node | null>; entity?: undefined };

/**
 * One feature's manifest: everything it adds to the process. A feature is one folder with one
 * `<name>.module.ts`, listed once in `modules.ts`; nothing outside its folder names its parts.
 * (Migrations stay one ordered history in `migrations/`: a schema change is not a feature's alone.)
 */
export interface FeatureModule {
  readonly name: string;
  /** Entities the ORM maps. */
  readonly entities?: readonly EntityClass<object>[];
  /** Resolver classes in the GraphQL schema (queries, mutations, subscriptions, field extensions). */
  readonly resolvers?: readonly Function[];
  /** Job handlers on the durable queue. */
  readonly tasks?: (td: TaskDeps) => TaskList;
  /** Recurring jobs, graphile-worker crontab lines. */
  readonly crontab?: readonly string[];
  /** Plain HTTP routes (public links and pages). */
  readonly routes?: readonly HttpRoute[];
  /** Durable event consumers (see src/events/consumers.ts): after-the-event work, each event once. */
  readonly consumers?: readonly EventConsumer<TaskDeps>[];
  /** ORM event subscribers the server process registers (the audit log's flush hook). */
  readonly subscribers?: readonly EventSubscriber[];
  /** Types implementing `Node` that `node(id)` loads, by GraphQL type name. */
  readonly nodeTypes?: Readonly<Record<string, NodeType>>;
}

/** Declares a feature manifest (typed identity). */
export function defineModule(module: FeatureModule): FeatureModule {
  return module;
}
