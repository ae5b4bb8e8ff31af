import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import { type AuthCheckerFn, buildSchema, type NonEmptyArray, type PubSub } from 'type-graphql';
import { authChecker } from './auth/auth-checker';
import { resolveGuardedFieldsDirectly } from './graphql/guarded-fields';
import { resolvePlainFieldsDirectly } from './graphql/plain-fields';
import { ENTITIES, RESOLVERS } from './modules/modules';

/**
 * type-graphql refuses to build subscriptions without a PubSub. Ours each bring their own
 * `subscribe` that reads `ctx.deps.bus` and re-checks the subscriber's scope, so topic-based
 * subscriptions and `@PubSub()` publishing are refused outright.
 */
const NO_TOPIC_PUBSUB: PubSub = {
  publish() {
    throw new Error('Publish through ctx.deps.bus after the transaction commits');
  },
  subscribe() {
    throw new Error('Subscriptions must define their own `subscribe` (see src/modules/domains/domain-events.ts)');
  },
};

/** Builds the executable schema from the resolvers (no side effects). */
export async function buildAppSchema(): Promise<GraphQLSchema> {
  // Every entity's GraphQL type is registered, whoever imported what, so the schema is the same everywhere.
  void ENTITIES;
  const schema = await buildSchema({
    resolvers: RESOLVERS as unknown as NonEmptyArray<Function>,
    authChecker,
    authMode: 'error',
    pubSub: NO_TOPIC_PUBSUB,
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
    scalarsMap: [
      { type: Date, scalar: GraphQLDateTime },
      { type: Object, scalar: GraphQLJSONObject },
    ],
  });
  resolvePlainFieldsDirectly(schema);
  resolveGuardedFieldsDirectly(schema, authChecker as AuthCheckerFn<object, string>);
  return schema;
}

/** The schema as SDL, sorted so the committed file is stable. */
export function printAppSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
